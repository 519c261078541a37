package dev.beluga.controllers.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

import java.util.function.Consumer;

/**
 * The usual handler for a controller's primary type: an added or changed object enqueues its own key
 * ({@code namespace/name}); a deleted one is passed to {@code onDelete} (forget expectations, requeue dependents, or
 * nothing). Runs on the informer's thread.
 */
public final class KeyEvents<T extends HasMetadata> implements ResourceEventHandler<T> {
    private final WorkQueue<String> queue;
    private final Consumer<T> onDelete;

    private KeyEvents(WorkQueue<String> queue, Consumer<T> onDelete) {
        this.queue = queue;
        this.onDelete = onDelete;
    }

    public static <T extends HasMetadata> KeyEvents<T> enqueue(WorkQueue<String> queue) {
        return new KeyEvents<>(queue, o -> { });
    }

    public static <T extends HasMetadata> KeyEvents<T> enqueue(WorkQueue<String> queue, Consumer<T> onDelete) {
        return new KeyEvents<>(queue, onDelete);
    }

    @Override
    public void onAdd(T o) {
        queue.add(Keys.of(o));
    }

    @Override
    public void onUpdate(T old, T o) {
        queue.add(Keys.of(o));
    }

    @Override
    public void onDelete(T o, boolean unknownFinalState) {
        onDelete.accept(o);
    }
}
