package dev.beluga.controllers.endpoints;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.Expectations;
import dev.beluga.controllers.runtime.Keys;
import dev.beluga.controllers.runtime.Owners;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The EndpointSlice controller (upstream {@code pkg/controller/endpointslice}, what kube-proxy and DNS read): for
 * every service with a selector, slices labelled {@code kubernetes.io/service-name} and managed by
 * {@code endpointslice-controller.k8s.io}, owned by the service, of at most {@value #MAX_ENDPOINTS} endpoints each,
 * one group of slices per distinct resolved port set. Each endpoint has its address, the conditions
 * {@code ready} (ready and not terminating, or always with publishNotReadyAddresses), {@code serving} and
 * {@code terminating}, the node name and zone, the pod as target and the hostname. Existing slices are updated in
 * place (name order), missing ones created, surplus ones deleted; nothing is written when nothing changed.
 *
 * <p>Slices are created with {@code generateName}, so a sync over a cache that has not yet seen the slices the
 * previous sync created would create them again (upstream guards the same with its {@code endpointSliceTracker}).
 * A service whose slice creations or deletions are still in flight is therefore not synced ({@link Expectations});
 * the slice informer's add and delete events lower the expectations and queue the service again. An update over a
 * stale cache needs no guard: it fails with 409 Conflict and the key is retried.
 */
public final class EndpointSliceController implements Controller {
    static final int MAX_ENDPOINTS = 100;
    static final String MANAGED_BY = "endpointslice-controller.k8s.io";
    static final String SERVICE_NAME = "kubernetes.io/service-name";
    static final String MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";

    private ControllerContext ctx;
    private Expectations expectations;

    @Override
    public String name() {
        return "endpointslice-controller";
    }

    @Override
    public int workers() {
        return 5;
    }

    @Override
    public void register(ControllerContext ctx, WorkQueue<String> queue) {
        this.ctx = ctx;
        this.expectations = new Expectations(ctx.clock());
        ServicePodEvents.register(ctx, queue);
        ctx.informers().informer(EndpointSlice.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(EndpointSlice s) {
                String key = serviceKey(s);
                if (key == null) return;
                expectations.creationObserved(key);
                queue.add(key);
            }

            @Override
            public void onUpdate(EndpointSlice o, EndpointSlice s) {
            }

            @Override
            public void onDelete(EndpointSlice s, boolean unknown) {
                String key = serviceKey(s);
                if (key == null) return;
                expectations.deletionObserved(key);
                queue.add(key);
            }
        });
        ctx.informers().informer(Node.class);
    }

    @Override
    public void reconcile(String key) {
        String ns = Keys.namespace(key);
        String name = Keys.name(key);
        Service svc = ctx.informers().get(Service.class, ns, name);
        List<EndpointSlice> existing = new ArrayList<>();
        for (EndpointSlice s : ctx.informers().list(EndpointSlice.class, ns))
            if (key.equals(serviceKey(s)) && s.getMetadata().getDeletionTimestamp() == null) existing.add(s);
        existing.sort(Comparator.comparing(s -> s.getMetadata().getName()));
        if (svc == null || !ServiceBackends.managed(svc)) {
            expectations.delete(key);
            for (EndpointSlice s : existing) delete(s); // the garbage collector would too (owner gone); this is faster
            return;
        }
        if (!expectations.satisfied(key)) return; // our last creations/deletions are not cached yet: their events requeue the key
        List<EndpointSlice> desired = desired(svc, ServiceBackends.of(svc, ctx.informers().list(Pod.class, ns)));
        int kept = Math.min(desired.size(), existing.size());
        for (int i = 0; i < kept; i++) {
            EndpointSlice want = desired.get(i);
            EndpointSlice have = existing.get(i);
            if (sameContent(have, want)) continue;
            want.getMetadata().setName(have.getMetadata().getName());
            want.getMetadata().setResourceVersion(have.getMetadata().getResourceVersion());
            ctx.client().discovery().v1().endpointSlices().inNamespace(ns).resource(want).update();
        }
        // expected before they are sent (their events may come before the answer); only one of the two is nonzero
        int creates = desired.size() - kept;
        int deletes = existing.size() - kept;
        if (creates + deletes == 0) return;
        expectations.expect(key, creates, deletes);
        int done = 0;
        try {
            for (; done < creates; done++) {
                EndpointSlice want = desired.get(kept + done);
                want.getMetadata().setGenerateName(name + "-");
                ctx.client().discovery().v1().endpointSlices().inNamespace(ns).resource(want).create();
            }
        } catch (RuntimeException e) {
            for (int j = done; j < creates; j++) expectations.creationObserved(key); // these will never be seen
            throw e;
        }
        try {
            for (done = 0; done < deletes; done++) delete(existing.get(kept + done));
        } catch (RuntimeException e) {
            for (int j = done; j < deletes; j++) expectations.deletionObserved(key);
            throw e;
        }
    }

    /** Deletes a slice; already gone is fine (the informer still has it, so its delete event is still to come). */
    private void delete(EndpointSlice s) {
        try {
            ctx.client().discovery().v1().endpointSlices().inNamespace(s.getMetadata().getNamespace()).withName(s.getMetadata().getName()).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) throw e;
        }
    }

    /** The key of the service a slice of this controller belongs to, or null for slices managed by someone else. */
    private static String serviceKey(EndpointSlice s) {
        Map<String, String> l = s.getMetadata().getLabels();
        if (l == null || !MANAGED_BY.equals(l.get(MANAGED_BY_LABEL)) || l.get(SERVICE_NAME) == null) return null;
        return Keys.of(s.getMetadata().getNamespace(), l.get(SERVICE_NAME));
    }

    private static boolean sameContent(EndpointSlice have, EndpointSlice want) {
        return Objects.equals(have.getEndpoints() == null ? List.of() : have.getEndpoints(), want.getEndpoints())
            && Objects.equals(have.getPorts() == null ? List.of() : have.getPorts(), want.getPorts())
            && Objects.equals(have.getMetadata().getLabels(), want.getMetadata().getLabels())
            && Objects.equals(have.getAddressType(), want.getAddressType());
    }

    /** The slices a service should have, without names (at least one, possibly empty, as upstream keeps). */
    List<EndpointSlice> desired(Service svc, List<Backend> backends) {
        boolean publishNotReady = Boolean.TRUE.equals(svc.getSpec().getPublishNotReadyAddresses());
        Map<String, List<Backend>> groups = new TreeMap<>();
        Map<String, List<EndpointPort>> portsOf = new HashMap<>();
        for (Backend b : backends) {
            if (b.ip().contains(":")) continue; // single-stack IPv4 slices
            String sig = b.ports().toString();
            groups.computeIfAbsent(sig, s -> new ArrayList<>()).add(b);
            portsOf.computeIfAbsent(sig, s -> ports(b));
        }
        Map<String, String> labels = new HashMap<>(svc.getMetadata().getLabels() == null ? Map.of() : svc.getMetadata().getLabels());
        labels.put(SERVICE_NAME, svc.getMetadata().getName());
        labels.put(MANAGED_BY_LABEL, MANAGED_BY);
        if ("None".equals(svc.getSpec().getClusterIP())) labels.put("service.kubernetes.io/headless", "");
        List<EndpointSlice> out = new ArrayList<>();
        for (Map.Entry<String, List<Backend>> g : groups.entrySet()) {
            List<Backend> members = new ArrayList<>(g.getValue());
            members.sort(Comparator.comparing(Backend::ip));
            for (int from = 0; from < members.size(); from += MAX_ENDPOINTS) {
                List<Endpoint> eps = new ArrayList<>();
                for (Backend b : members.subList(from, Math.min(members.size(), from + MAX_ENDPOINTS))) eps.add(endpoint(svc, b, publishNotReady));
                out.add(slice(svc, labels, eps, portsOf.get(g.getKey())));
            }
        }
        if (out.isEmpty()) out.add(slice(svc, labels, List.of(), List.of()));
        return out;
    }

    private EndpointSlice slice(Service svc, Map<String, String> labels, List<Endpoint> eps, List<EndpointPort> ports) {
        return new EndpointSliceBuilder().withNewMetadata().withNamespace(svc.getMetadata().getNamespace()).withLabels(labels)
            .withOwnerReferences(Owners.controllerRef(svc)).endMetadata()
            .withAddressType("IPv4").withEndpoints(eps).withPorts(ports).build();
    }

    private Endpoint endpoint(Service svc, Backend b, boolean publishNotReady) {
        String node = b.pod().getSpec().getNodeName();
        String zone = null;
        if (node != null) {
            Node n = ctx.informers().get(Node.class, null, node);
            if (n != null && n.getMetadata().getLabels() != null) zone = n.getMetadata().getLabels().get("topology.kubernetes.io/zone");
        }
        boolean ready = publishNotReady || (b.ready() && !b.terminating());
        return new EndpointBuilder().withAddresses(b.ip())
            .withNewConditions().withReady(ready).withServing(publishNotReady || b.ready()).withTerminating(b.terminating()).endConditions()
            .withNodeName(node).withZone(zone).withHostname(b.hostname(svc.getMetadata().getName()))
            .withTargetRef(new ObjectReferenceBuilder().withKind("Pod").withNamespace(b.pod().getMetadata().getNamespace())
                .withName(b.pod().getMetadata().getName()).withUid(b.pod().getMetadata().getUid()).build())
            .build();
    }

    private static List<EndpointPort> ports(Backend b) {
        List<EndpointPort> ports = new ArrayList<>();
        for (Backend.ResolvedPort p : b.ports())
            ports.add(new EndpointPortBuilder().withName(p.name()).withPort(p.port()).withProtocol(p.protocol())
                .withAppProtocol(p.appProtocol()).build());
        return ports;
    }
}
