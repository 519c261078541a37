package dev.beluga.controllers.runtime;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

import java.util.function.Consumer;

/**
 * The pod event handler of a controller that owns pods through controller references (DaemonSet, Job): every change
 * of an owned pod enqueues its owner's key; a pod appearing counts as an observed creation, a pod starting graceful
 * deletion (or deleted outright) as an observed deletion for the owner's {@link Expectations}; an orphan that appears
 * is handed to {@code onOrphan} (who may adopt it). Runs on the informer's thread; must stay cheap.
 */
public final class OwnedPodEvents implements ResourceEventHandler<Pod> {
    private final String ownerKind;
    private final Expectations expectations;
    private final WorkQueue<String> queue;
    private final Consumer<Pod> onOrphan;

    /** @param onOrphan called for a new pod without controller; may be a no-op */
    public OwnedPodEvents(String ownerKind, Expectations expectations, WorkQueue<String> queue, Consumer<Pod> onOrphan) {
        this.ownerKind = ownerKind;
        this.expectations = expectations;
        this.queue = queue;
        this.onOrphan = onOrphan;
    }

    /** The owner's key ({@code namespace/name}) when the pod is controlled by an object of the owner kind, else null. */
    public String ownerKey(Pod p) {
        OwnerReference ref = Owners.controllerOf(p);
        if (ref == null || !ownerKind.equals(ref.getKind())) return null;
        return Keys.of(p.getMetadata().getNamespace(), ref.getName());
    }

    @Override
    public void onAdd(Pod p) {
        String owner = ownerKey(p);
        if (owner == null) {
            if (Owners.controllerOf(p) == null) onOrphan.accept(p);
            return;
        }
        expectations.creationObserved(owner);
        queue.add(owner);
    }

    @Override
    public void onUpdate(Pod o, Pod p) {
        String owner = ownerKey(p);
        if (owner == null) return;
        if (o.getMetadata().getDeletionTimestamp() == null && p.getMetadata().getDeletionTimestamp() != null)
            expectations.deletionObserved(owner);
        queue.add(owner);
    }

    @Override
    public void onDelete(Pod p, boolean unknown) {
        String owner = ownerKey(p);
        if (owner == null) return;
        if (p.getMetadata().getDeletionTimestamp() == null) expectations.deletionObserved(owner);
        queue.add(owner);
    }
}
