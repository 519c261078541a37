package dev.beluga.agent.pods;

import dev.beluga.agent.AgentSerialization;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes pod statuses to the API server (upstream's status manager): one JSON merge patch of the status subresource
 * per change — lists (conditions, containerStatuses) replaced whole, so no stale nested state survives — and nothing
 * when the status equals the last one written or the one stored. Threading: calls for one pod come from its worker;
 * different pods may call concurrently.
 */
public final class StatusManager {
    private static final Logger log = LoggerFactory.getLogger(StatusManager.class);

    private final KubernetesClient client;
    private final Map<String, PodStatus> written = new ConcurrentHashMap<>();

    public StatusManager(KubernetesClient client) {
        this.client = client;
    }

    /** Writes the status if it differs; returns whether a write happened. A pod gone from the API is not an error. */
    public boolean update(Pod pod, PodStatus status) {
        String uid = pod.getMetadata().getUid();
        // the model classes compare by value: no serialization unless something changed
        if (status.equals(written.get(uid))) return false;
        if (status.equals(pod.getStatus())) {
            written.put(uid, status);
            return false;
        }
        String patch = "{\"status\":" + AgentSerialization.INSTANCE.asJson(status) + "}";
        try {
            client.pods().resource(new PodBuilder().withNewMetadata().withNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName()).endMetadata().build())
                .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), patch);
            written.put(uid, status);
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) return false;
            log.warn("updating the status of pod {}/{}: {}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), e.getMessage());
            return false;
        }
    }

    /** Forgets a pod (deleted). */
    public void forget(String uid) {
        written.remove(uid);
    }
}
