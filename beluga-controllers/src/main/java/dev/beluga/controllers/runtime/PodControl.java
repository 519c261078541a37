package dev.beluga.controllers.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.HashMap;
import java.util.List;

/**
 * Creates and deletes pods for workload controllers (upstream's {@code RealPodControl}): pods from a template, with
 * the template's labels and annotations, a generated name ({@code owner-name-xxxxx}) and a controller reference to
 * the owner; events {@code SuccessfulCreate}/{@code FailedCreate}/{@code SuccessfulDelete}/{@code FailedDelete}
 * on the owner. Thread-safe; each call is one API request.
 */
public final class PodControl {
    private final KubernetesClient client;
    private final EventRecorder events;
    private final String component;

    public PodControl(KubernetesClient client, EventRecorder events, String component) {
        this.client = client;
        this.events = events;
        this.component = component;
    }

    /** The pod a template makes for an owner (not yet created). */
    public static Pod fromTemplate(PodTemplateSpec template, HasMetadata owner, String generateNamePrefix) {
        ObjectMeta tm = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        return new PodBuilder()
            .withNewMetadata().withNamespace(owner.getMetadata().getNamespace()).withGenerateName(generateNamePrefix)
            .withLabels(tm.getLabels() == null ? null : new HashMap<>(tm.getLabels()))
            .withAnnotations(tm.getAnnotations() == null ? null : new HashMap<>(tm.getAnnotations()))
            .withFinalizers(tm.getFinalizers())
            .withOwnerReferences(List.of(Owners.controllerRef(owner))).endMetadata()
            .withSpec(template.getSpec()).build();
    }

    /** Creates the pod; records the event. Returns the created pod. */
    public Pod create(Pod pod, HasMetadata owner) {
        try {
            Pod created = client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
            events.event(owner, component, EventRecorder.NORMAL, "SuccessfulCreate", "Created pod: " + created.getMetadata().getName());
            return created;
        } catch (KubernetesClientException e) {
            events.event(owner, component, EventRecorder.WARNING, "FailedCreate", "Error creating: " + message(e));
            throw e;
        }
    }

    /** Deletes the pod (graceful, with its UID as precondition); a pod already gone is not an error. */
    public void delete(Pod pod, HasMetadata owner) {
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).delete();
            events.event(owner, component, EventRecorder.NORMAL, "SuccessfulDelete", "Deleted pod: " + pod.getMetadata().getName());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) return;
            events.event(owner, component, EventRecorder.WARNING, "FailedDelete", "Error deleting: " + message(e));
            throw e;
        }
    }

    static String message(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
    }
}
