package dev.beluga.scheduler.client;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;

/**
 * Asks for dynamic provisioning of an unbound WaitForFirstConsumer claim on the chosen node, by setting the
 * annotation {@code volume.kubernetes.io/selected-node} on the PVC (what upstream VolumeBinding's PreBind does).
 * Called on the binding thread; may block.
 */
@FunctionalInterface
public interface VolumeBinder {
    void selectNode(PersistentVolumeClaim claim, String nodeName) throws Exception;
}
