package dev.beluga.controllers.endpoints;

import dev.beluga.api.labels.LabelSelector;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.Keys;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

import java.util.Map;
import java.util.Objects;

/**
 * Turns service and pod changes into service keys, for the endpoints controllers: a service change queues the
 * service; a pod change queues every service of its namespace whose selector matches the pod before or after the
 * change (labels may have moved it between services). Pod updates that change nothing the endpoints show (IP,
 * readiness, labels, deletion, node, hostname) are ignored.
 */
final class ServicePodEvents {
    private ServicePodEvents() {
    }

    static void register(ControllerContext ctx, WorkQueue<String> queue) {
        ctx.informers().informer(Service.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Service s) {
                queue.add(Keys.of(s));
            }

            @Override
            public void onUpdate(Service o, Service s) {
                queue.add(Keys.of(s));
            }

            @Override
            public void onDelete(Service s, boolean unknown) {
                queue.add(Keys.of(s));
            }
        });
        ctx.informers().informer(Pod.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                enqueueServicesOf(ctx, queue, p);
            }

            @Override
            public void onUpdate(Pod o, Pod p) {
                if (!relevantChange(o, p)) return;
                enqueueServicesOf(ctx, queue, p);
                if (!Objects.equals(o.getMetadata().getLabels(), p.getMetadata().getLabels())) enqueueServicesOf(ctx, queue, o);
            }

            @Override
            public void onDelete(Pod p, boolean unknown) {
                enqueueServicesOf(ctx, queue, p);
            }
        });
    }

    private static void enqueueServicesOf(ControllerContext ctx, WorkQueue<String> queue, Pod p) {
        Map<String, String> labels = p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels();
        for (Service s : ctx.informers().list(Service.class, p.getMetadata().getNamespace())) {
            if (!ServiceBackends.managed(s)) continue;
            if (LabelSelector.fromSet(s.getSpec().getSelector()).matches(labels)) queue.add(Keys.of(s));
        }
    }

    static boolean relevantChange(Pod o, Pod p) {
        if (!Objects.equals(o.getMetadata().getLabels(), p.getMetadata().getLabels())) return true;
        if (!Objects.equals(o.getMetadata().getDeletionTimestamp(), p.getMetadata().getDeletionTimestamp())) return true;
        if (!Objects.equals(o.getSpec().getNodeName(), p.getSpec().getNodeName())) return true;
        if (!Objects.equals(o.getSpec().getHostname(), p.getSpec().getHostname())) return true;
        if (!Objects.equals(o.getSpec().getSubdomain(), p.getSpec().getSubdomain())) return true;
        String oip = o.getStatus() == null ? null : o.getStatus().getPodIP();
        String pip = p.getStatus() == null ? null : p.getStatus().getPodIP();
        if (!Objects.equals(oip, pip)) return true;
        String ophase = o.getStatus() == null ? null : o.getStatus().getPhase();
        String pphase = p.getStatus() == null ? null : p.getStatus().getPhase();
        if (!Objects.equals(ophase, pphase)) return true;
        return dev.beluga.controllers.runtime.PodStates.isReady(o) != dev.beluga.controllers.runtime.PodStates.isReady(p);
    }
}
