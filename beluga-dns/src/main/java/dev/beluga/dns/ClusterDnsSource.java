package dev.beluga.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.util.function.Consumer;

/**
 * Feeds a {@link ClusterIndex} from the API: shared informers (no resync) on Services and discovery/v1 EndpointSlices in
 * every namespace, its own ({@link #start}) or shared with others ({@link #attach}). The informers list, then watch and re-list on their own, and deliver on their own threads.
 *
 * <p>Threading: {@link #start} returns at once (the initial lists continue in the background; {@link #hasSynced} says when
 * they are done); {@link #close} stops the informers and may be called from any thread, more than once.
 */
public final class ClusterDnsSource implements AutoCloseable {
    private final ClusterIndex index;
    private final SharedIndexInformer<Service> services;
    private final SharedIndexInformer<EndpointSlice> slices;
    private final ResourceEventHandler<Service> onService;
    private final ResourceEventHandler<EndpointSlice> onSlice;
    private final boolean owned;

    private ClusterDnsSource(ClusterIndex index, SharedIndexInformer<Service> services, SharedIndexInformer<EndpointSlice> slices,
                             boolean owned) {
        this.index = index;
        this.services = services;
        this.slices = slices;
        this.owned = owned;
        this.onService = handler(index::onServiceChanged, index::onServiceDeleted);
        this.onSlice = handler(index::onEndpointSliceChanged, index::onEndpointSliceDeleted);
        services.addEventHandler(onService);
        slices.addEventHandler(onSlice);
    }

    /** Starts informers that feed a new index. */
    public static ClusterDnsSource start(KubernetesClient client) {
        return start(client, new ClusterIndex());
    }

    /** Starts informers of its own that feed {@code index}; {@link #close} stops them. */
    public static ClusterDnsSource start(KubernetesClient client, ClusterIndex index) {
        ClusterDnsSource source = new ClusterDnsSource(index, client.services().inAnyNamespace().runnableInformer(0),
            client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0), true);
        source.services.start();
        source.slices.start();
        return source;
    }

    /**
     * Feeds a new index from informers shared with others (e.g. the node's service proxy); an informer already running
     * replays what it holds. {@link #close} removes this source's handlers and leaves the informers running.
     */
    public static ClusterDnsSource attach(SharedIndexInformer<Service> services, SharedIndexInformer<EndpointSlice> slices) {
        return new ClusterDnsSource(new ClusterIndex(), services, slices, false);
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
        if (owned) {
            services.close();
            slices.close();
        } else {
            services.removeEventHandler(onService);
            slices.removeEventHandler(onSlice);
        }
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
