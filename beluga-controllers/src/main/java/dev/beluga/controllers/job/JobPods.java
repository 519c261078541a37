package dev.beluga.controllers.job;

import dev.beluga.controllers.runtime.PodControl;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * The pods of a Job (upstream job controller's pod handling): made from the template with the
 * {@code batch.kubernetes.io/job-tracking} finalizer (so a finished pod is not lost before it is counted); for
 * Indexed Jobs with the completion index as annotation and label, hostname {@code <job>-<index>} and the
 * {@code JOB_COMPLETION_INDEX} variable in every container. Stateless.
 */
final class JobPods {
    static final String TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking";

    private JobPods() {
    }

    static boolean tracked(Pod p) {
        return p.getMetadata().getFinalizers() != null && p.getMetadata().getFinalizers().contains(TRACKING_FINALIZER);
    }

    /** A new pod for the job; {@code index} is -1 for NonIndexed jobs. */
    static Pod newPod(Job job, int index) {
        String name = job.getMetadata().getName();
        Pod pod = PodControl.fromTemplate(job.getSpec().getTemplate(), job, index < 0 ? name + "-" : name + "-" + index + "-");
        List<String> finalizers = new ArrayList<>(pod.getMetadata().getFinalizers() == null ? List.of() : pod.getMetadata().getFinalizers());
        finalizers.add(TRACKING_FINALIZER);
        pod.getMetadata().setFinalizers(finalizers);
        if (index < 0) return pod;
        if (pod.getMetadata().getAnnotations() == null) pod.getMetadata().setAnnotations(new HashMap<>());
        if (pod.getMetadata().getLabels() == null) pod.getMetadata().setLabels(new HashMap<>());
        pod.getMetadata().getAnnotations().put(CompletionIndexes.ANNOTATION, Integer.toString(index));
        pod.getMetadata().getLabels().put(CompletionIndexes.ANNOTATION, Integer.toString(index));
        var spec = new PodSpecBuilder(pod.getSpec()).build();
        if (spec.getHostname() == null) spec.setHostname(name + "-" + index);
        EnvVar env = new EnvVarBuilder().withName("JOB_COMPLETION_INDEX").withNewValueFrom().withNewFieldRef()
            .withFieldPath("metadata.annotations['" + CompletionIndexes.ANNOTATION + "']").endFieldRef().endValueFrom().build();
        for (List<Container> cs : java.util.Arrays.asList(spec.getContainers(), spec.getInitContainers())) {
            if (cs == null) continue;
            for (Container c : cs) {
                List<EnvVar> vars = new ArrayList<>(c.getEnv() == null ? List.of() : c.getEnv());
                if (vars.stream().noneMatch(v -> v.getName().equals("JOB_COMPLETION_INDEX"))) vars.add(env);
                c.setEnv(vars);
            }
        }
        pod.setSpec(spec);
        return pod;
    }

    /**
     * Removes the tracking finalizer with a JSON patch that tests the element first (so a concurrent change to the
     * list fails instead of removing the wrong entry). A pod already gone, or without the finalizer, is success.
     */
    static void removeTrackingFinalizer(KubernetesClient client, Pod p) {
        List<String> f = p.getMetadata().getFinalizers();
        int i = f == null ? -1 : f.indexOf(TRACKING_FINALIZER);
        if (i < 0) return;
        String patch = "[{\"op\":\"test\",\"path\":\"/metadata/finalizers/" + i + "\",\"value\":\"" + TRACKING_FINALIZER + "\"},"
            + "{\"op\":\"remove\",\"path\":\"/metadata/finalizers/" + i + "\"}]";
        try {
            client.pods().resource(p).patch(PatchContext.of(PatchType.JSON), patch); // through the object: no GET first
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) return;
            if (e.getCode() == 422 || e.getCode() == 409) {
                Pod fresh = client.pods().inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName()).get();
                if (fresh == null || !tracked(fresh)) return;
                if (fresh.getMetadata().getFinalizers().indexOf(TRACKING_FINALIZER) != i) {
                    removeTrackingFinalizer(client, fresh);
                    return;
                }
            }
            throw e;
        }
    }
}
