package dev.beluga.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.util.function.Consumer;

/**
 * Feeds a {@link ClusterIndex} from the API: shared informers (no resync) on Services and discovery/v1 EndpointSlices in
 * every namespace. The informers list, then watch and re-list on their own, and deliver on their own threads.
 *
 * <p>Threading: {@link #start} returns at once (the initial lists continue in the background; {@link #hasSynced} says when
 * they are done); {@link #close} stops the informers and may be called from any thread, more than once.
 */
public final class ClusterDnsSource implements AutoCloseable {
    private final ClusterIndex index;
    private final SharedIndexInformer<Service> services;
    private final SharedIndexInformer<EndpointSlice> slices;

    private ClusterDnsSource(ClusterIndex index, SharedIndexInformer<Service> services, SharedIndexInformer<EndpointSlice> slices) {
        this.index = index;
        this.services = services;
        this.slices = slices;
    }

    /** Starts informers that feed a new index. */
    public static ClusterDnsSource start(KubernetesClient client) {
        return start(client, new ClusterIndex());
    }

    /** Starts informers that feed {@code index}. */
    public static ClusterDnsSource start(KubernetesClient client, ClusterIndex index) {
        SharedIndexInformer<Service> services = client.services().inAnyNamespace()
            .inform(handler(index::onServiceChanged, index::onServiceDeleted), 0);
        SharedIndexInformer<EndpointSlice> slices = client.discovery().v1().endpointSlices().inAnyNamespace()
            .inform(handler(index::onEndpointSliceChanged, index::onEndpointSliceDeleted), 0);
        return new ClusterDnsSource(index, services, slices);
    }

    public ClusterIndex index() {
        return index;
    }

    /** Whether both informers have delivered their initial list. */
    public boolean hasSynced() {
        return services.hasSynced() && slices.hasSynced();
    }

    @Override
    public void close() {
        services.close();
        slices.close();
    }

    private static <T> ResourceEventHandler<T> handler(Consumer<T> changed, Consumer<T> deleted) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                changed.accept(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                changed.accept(newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                deleted.accept(obj);
            }
        };
    }
}
