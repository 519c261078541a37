package dev.beluga.scheduler.apiclient;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.scheduler.client.Binder;
import dev.beluga.scheduler.client.PodDeleter;
import dev.beluga.scheduler.client.PodStatusWriter;
import dev.beluga.scheduler.client.VolumeBinder;
import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * The scheduler's writes to pods and claims through the API:
 * <ul>
 *   <li>bind: {@code POST /api/v1/namespaces/{ns}/pods/{name}/binding} with the pod's UID as a precondition, so a pod
 *       deleted and re-created under the same name is never bound by mistake;</li>
 *   <li>status: a strategic merge patch of {@code pods/{name}/status} setting the {@code PodScheduled} condition
 *       (merged by its type) and {@code status.nominatedNodeName};</li>
 *   <li>preemption victims: the {@code DisruptionTarget} condition (reason {@code PreemptionByScheduler}), then a
 *       graceful delete with the pod's UID as precondition;</li>
 *   <li>volumes: the {@code volume.kubernetes.io/selected-node} annotation on a WaitForFirstConsumer claim.</li>
 * </ul>
 * Thread-safe (the fabric8 client is); every method blocks for one or two API round trips.
 */
public final class ApiPodWriter implements Binder, PodStatusWriter, PodDeleter, VolumeBinder {
    private static final Logger log = LoggerFactory.getLogger(ApiPodWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;

    public ApiPodWriter(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public void bind(Pod pod, String nodeName) {
        var meta = pod.getMetadata();
        Binding b = new BindingBuilder().withNewMetadata().withName(meta.getName()).withNamespace(meta.getNamespace())
            .withUid(meta.getUid()).endMetadata()
            .withNewTarget().withApiVersion("v1").withKind("Node").withName(nodeName).endTarget().build();
        String answer;
        try {
            answer = client.raw("/api/v1/namespaces/" + meta.getNamespace() + "/pods/" + meta.getName() + "/binding", "POST", b);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409 && alreadyBoundTo(pod, nodeName)) return;
            throw e;
        }
        if (answer == null) throw new KubernetesClientException("pod " + meta.getNamespace() + "/" + meta.getName() + " not found");
    }

    /**
     * Whether the pod (same UID) is already bound to {@code nodeName}: what a binding answered with 409 Conflict
     * finds when an earlier attempt of the same binding did land (the client retried a POST whose answer it lost,
     * e.g. after a broken connection). That is the outcome the scheduler asked for, not a failure.
     */
    private boolean alreadyBoundTo(Pod pod, String nodeName) {
        Pod current = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).get();
        return current != null && pod.getMetadata().getUid().equals(current.getMetadata().getUid())
            && nodeName.equals(current.getSpec().getNodeName());
    }

    @Override
    public void updateStatus(Pod pod, PodCondition condition, String nominatedNodeName) {
        ObjectNode status = JSON.createObjectNode();
        if (condition != null) status.putArray("conditions").add(JSON.valueToTree(condition));
        if (nominatedNodeName != null) {
            if (nominatedNodeName.isEmpty()) status.putNull("nominatedNodeName");
            else status.put("nominatedNodeName", nominatedNodeName);
        }
        ObjectNode patch = JSON.createObjectNode();
        patch.set("status", status);
        // through the object we have: fabric8's withName(...).patch would GET it first
        client.pods().resource(pod).subresource("status").patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch.toString());
    }

    @Override
    public void deleteVictim(Pod victim, Pod preemptor, String nodeName) {
        var meta = victim.getMetadata();
        var pods = client.pods().inNamespace(meta.getNamespace()).withName(meta.getName());
        ObjectNode cond = JSON.createObjectNode().put("type", "DisruptionTarget").put("status", "True")
            .put("reason", "PreemptionByScheduler")
            .put("message", "default-scheduler: preempting to accommodate a higher priority pod")
            .put("lastTransitionTime", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        ObjectNode patch = JSON.createObjectNode();
        patch.putObject("status").putArray("conditions").add(cond);
        try {
            client.pods().resource(victim).subresource("status").patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch.toString());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) return;
            log.debug("setting DisruptionTarget on {} failed: {}", meta.getName(), e.toString());
        }
        pods.delete();
    }

    @Override
    public void selectNode(PersistentVolumeClaim claim, String nodeName) {
        ObjectNode patch = JSON.createObjectNode();
        patch.putObject("metadata").putObject("annotations").put("volume.kubernetes.io/selected-node", nodeName);
        client.persistentVolumeClaims().resource(claim).patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
    }
}
