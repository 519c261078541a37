package dev.beluga.api.client;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * An informer store that drops {@code metadata.managedFields} from each object before keeping it, as upstream's
 * scheduler and controller manager do to their informers ({@code TransformStripManagedFields}). Components never
 * read them, and for a pod they are a large part of the decoded object (per manager, a nested map per field it
 * owns): trimmed, they die young instead of surviving into the old generation with the cache.
 *
 * <p>fabric8 keeps the object, then hands the same instance to the event handlers, which therefore see it trimmed
 * too. An update sent from a trimmed object keeps the live managedFields (the API server's rule for updates
 * without them). Thread-safety as {@link BasicItemStore} (the informer's own thread writes).
 */
public final class ManagedFieldsTrimmingStore<T extends HasMetadata> extends BasicItemStore<T> {
    public ManagedFieldsTrimmingStore() {
        super(Cache::metaNamespaceKeyFunc);
    }

    /** The informer, set to keep its objects in a trimming store; call before it starts. */
    public static <T extends HasMetadata> SharedIndexInformer<T> trimmed(SharedIndexInformer<T> informer) {
        return informer.itemStore(new ManagedFieldsTrimmingStore<>());
    }

    @Override
    public T put(String key, T obj) {
        if (obj.getMetadata() != null) obj.getMetadata().setManagedFields(null);
        return super.put(key, obj);
    }
}
