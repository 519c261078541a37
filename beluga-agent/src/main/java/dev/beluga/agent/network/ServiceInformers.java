package dev.beluga.agent.network;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The node's one pair of informers (no resync) on all Services and discovery/v1 EndpointSlices, shared by its service
 * proxy and its DNS server: one list and one watch per resource for the node instead of one per user, and one copy of
 * the objects in memory. Users add their handlers (an informer already running replays what it holds) and remove
 * them when they stop.
 *
 * <p>Thread-safe; {@link #close} stops both informers and may be called more than once.
 */
public final class ServiceInformers implements AutoCloseable {
    private final SharedIndexInformer<Service> services;
    private final SharedIndexInformer<EndpointSlice> slices;

    private ServiceInformers(SharedIndexInformer<Service> services, SharedIndexInformer<EndpointSlice> slices) {
        this.services = services;
        this.slices = slices;
    }

    /** Starts both informers; their initial lists continue in the background. */
    public static ServiceInformers start(KubernetesClient client) {
        ServiceInformers i = new ServiceInformers(client.services().inAnyNamespace().runnableInformer(0),
            client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0));
        i.services.start();
        i.slices.start();
        return i;
    }

    public SharedIndexInformer<Service> services() {
        return services;
    }

    public SharedIndexInformer<EndpointSlice> slices() {
        return slices;
    }

    @Override
    public void close() {
        services.close();
        slices.close();
    }
}
