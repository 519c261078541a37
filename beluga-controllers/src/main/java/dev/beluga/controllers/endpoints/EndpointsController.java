package dev.beluga.controllers.endpoints;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.Keys;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The endpoints controller (upstream {@code pkg/controller/endpoint}): for every service with a selector, an
 * Endpoints object of the same name listing its pods — ready pods under {@code addresses}, the others under
 * {@code notReadyAddresses} (all under {@code addresses} with {@code publishNotReadyAddresses}); terminating pods
 * are left out (kept with publishNotReadyAddresses). Pods are grouped into subsets by their resolved ports;
 * addresses carry the node name, the pod as target and, for {@code hostname}+{@code subdomain} pods, the hostname.
 * Services without a selector are left alone (their endpoints are the user's); a deleted service's Endpoints go.
 * Writes only when the subsets or labels changed.
 */
public final class EndpointsController implements Controller {
    private ControllerContext ctx;

    @Override
    public String name() {
        return "endpoints-controller";
    }

    @Override
    public int workers() {
        return 5;
    }

    @Override
    public void register(ControllerContext ctx, WorkQueue<String> queue) {
        this.ctx = ctx;
        ServicePodEvents.register(ctx, queue);
        ctx.informers().informer(Endpoints.class);
    }

    @Override
    public void reconcile(String key) {
        String ns = Keys.namespace(key);
        String name = Keys.name(key);
        Service svc = ctx.informers().get(Service.class, ns, name);
        Endpoints current = ctx.informers().get(Endpoints.class, ns, name);
        if (svc == null) {
            if (current != null && !("default".equals(ns) && "kubernetes".equals(name))) {
                try {
                    ctx.client().endpoints().inNamespace(ns).withName(name).delete();
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 404) throw e;
                }
            }
            return;
        }
        if (!ServiceBackends.managed(svc)) return;
        List<EndpointSubset> subsets = subsets(svc, ServiceBackends.of(svc, ctx.informers().list(Pod.class, ns)));
        Map<String, String> labels = new HashMap<>(svc.getMetadata().getLabels() == null ? Map.of() : svc.getMetadata().getLabels());
        if ("None".equals(svc.getSpec().getClusterIP())) labels.put("service.kubernetes.io/headless", "");
        if (current != null && Objects.equals(normalize(current.getSubsets()), subsets)
            && Objects.equals(current.getMetadata().getLabels() == null ? Map.of() : current.getMetadata().getLabels(), labels)) return;
        Endpoints desired = new EndpointsBuilder().withNewMetadata().withName(name).withNamespace(ns).withLabels(labels).endMetadata()
            .withSubsets(subsets).build();
        if (current == null) {
            try {
                ctx.client().endpoints().inNamespace(ns).resource(desired).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) throw e;
                throw new IllegalStateException("endpoints " + key + " exist but are not in the cache yet; retrying");
            }
        } else {
            desired.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
            desired.getMetadata().setAnnotations(current.getMetadata().getAnnotations());
            ctx.client().endpoints().inNamespace(ns).resource(desired).update();
        }
    }

    static List<EndpointSubset> subsets(Service svc, List<Backend> backends) {
        boolean publishNotReady = Boolean.TRUE.equals(svc.getSpec().getPublishNotReadyAddresses());
        boolean headless = "None".equals(svc.getSpec().getClusterIP());
        Map<String, EndpointSubsetBuilder> bySignature = new TreeMap<>();
        Map<String, List<EndpointAddress>> ready = new HashMap<>();
        Map<String, List<EndpointAddress>> notReady = new HashMap<>();
        for (Backend b : backends) {
            if (b.terminating() && !publishNotReady) continue;
            if (b.ports().isEmpty() && !headless) continue;
            String signature = b.ports().toString();
            bySignature.computeIfAbsent(signature, s -> new EndpointSubsetBuilder().withPorts(ports(b)));
            EndpointAddress a = new EndpointAddressBuilder().withIp(b.ip()).withNodeName(b.pod().getSpec().getNodeName())
                .withHostname(b.hostname(svc.getMetadata().getName()))
                .withTargetRef(new ObjectReferenceBuilder().withKind("Pod").withNamespace(b.pod().getMetadata().getNamespace())
                    .withName(b.pod().getMetadata().getName()).withUid(b.pod().getMetadata().getUid()).build()).build();
            (b.ready() || publishNotReady ? ready : notReady).computeIfAbsent(signature, s -> new ArrayList<>()).add(a);
        }
        List<EndpointSubset> out = new ArrayList<>();
        Comparator<EndpointAddress> byIp = Comparator.comparing(EndpointAddress::getIp);
        bySignature.forEach((sig, builder) -> {
            List<EndpointAddress> r = ready.getOrDefault(sig, new ArrayList<>());
            List<EndpointAddress> n = notReady.getOrDefault(sig, new ArrayList<>());
            r.sort(byIp);
            n.sort(byIp);
            out.add(builder.withAddresses(r.isEmpty() ? null : r).withNotReadyAddresses(n.isEmpty() ? null : n).build());
        });
        return out;
    }

    private static List<EndpointPort> ports(Backend b) {
        List<EndpointPort> ports = new ArrayList<>();
        for (Backend.ResolvedPort p : b.ports())
            ports.add(new EndpointPortBuilder().withName(p.name().isEmpty() ? null : p.name()).withPort(p.port())
                .withProtocol(p.protocol()).withAppProtocol(p.appProtocol()).build());
        return ports.isEmpty() ? null : ports;
    }

    /** Stored subsets in the form {@link #subsets} builds (empty lists as null), for comparison. */
    private static List<EndpointSubset> normalize(List<EndpointSubset> subsets) {
        if (subsets == null) return List.of();
        List<EndpointSubset> out = new ArrayList<>();
        for (EndpointSubset s : subsets) {
            out.add(new EndpointSubsetBuilder(s)
                .withAddresses(s.getAddresses() == null || s.getAddresses().isEmpty() ? null : s.getAddresses())
                .withNotReadyAddresses(s.getNotReadyAddresses() == null || s.getNotReadyAddresses().isEmpty() ? null : s.getNotReadyAddresses())
                .withPorts(s.getPorts() == null || s.getPorts().isEmpty() ? null : s.getPorts()).build());
        }
        return out;
    }
}
