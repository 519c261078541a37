package dev.beluga.controllers.servicelb;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.Keys;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Load balancer status for Services of type LoadBalancer, as k3s's ServiceLB gives it: a LoadBalancer Service without
 * {@code spec.loadBalancerClass} gets {@code status.loadBalancer.ingress} = the {@link LoadBalancerNodes addresses}
 * of the nodes that can serve it, each {@code {ip, ipMode: VIP}}, in order; the node proxies route traffic for those
 * addresses to the Service. The list follows nodes as they come, go, turn Ready or not, and is cleared when the
 * Service stops being a LoadBalancer (a LoadBalancer with a loadBalancerClass belongs to another implementation and
 * is left alone).
 *
 * <p>Contract: {@code reconcile(namespace/name)} reads only the informer caches and writes only when the status
 * differs, by a merge patch of the status subresource (no read before the write); idempotent. Handlers run on the
 * informer threads: a Service change enqueues that Service, a node change that alters the node's address enqueues
 * every LoadBalancer Service.
 */
public final class ServiceLbController implements Controller {
    private static final Logger log = LoggerFactory.getLogger(ServiceLbController.class);

    private ControllerContext ctx;

    @Override
    public String name() {
        return "service-lb-controller";
    }

    @Override
    public void register(ControllerContext ctx, WorkQueue<String> queue) {
        this.ctx = ctx;
        ctx.informers().informer(Service.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Service s) {
                if (mayNeedStatus(s)) queue.add(Keys.of(s));
            }

            @Override
            public void onUpdate(Service old, Service s) {
                if (mayNeedStatus(s)) queue.add(Keys.of(s));
            }

            @Override
            public void onDelete(Service s, boolean unknown) {
            }
        });
        ctx.informers().informer(Node.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node n) {
                if (LoadBalancerNodes.address(n) != null) enqueueLoadBalancers(queue);
            }

            @Override
            public void onUpdate(Node old, Node n) {
                if (!Objects.equals(LoadBalancerNodes.address(old), LoadBalancerNodes.address(n))) enqueueLoadBalancers(queue);
            }

            @Override
            public void onDelete(Node n, boolean unknown) {
                enqueueLoadBalancers(queue);
            }
        });
    }

    private void enqueueLoadBalancers(WorkQueue<String> queue) {
        for (Service s : ctx.informers().list(Service.class)) if (served(s)) queue.add(Keys.of(s));
    }

    /** Whether this controller publishes the Service's ingress. */
    static boolean served(Service s) {
        return s.getSpec() != null && "LoadBalancer".equals(s.getSpec().getType()) && s.getSpec().getLoadBalancerClass() == null;
    }

    /** Served, or carrying an ingress that may have to be cleared. */
    private static boolean mayNeedStatus(Service s) {
        return served(s) || !current(s).isEmpty() && (s.getSpec() == null || !"LoadBalancer".equals(s.getSpec().getType()));
    }

    @Override
    public void reconcile(String key) {
        Service s = ctx.informers().get(Service.class, Keys.namespace(key), Keys.name(key));
        if (s == null) return;
        boolean isLoadBalancer = s.getSpec() != null && "LoadBalancer".equals(s.getSpec().getType());
        if (isLoadBalancer && !served(s)) return; // another load balancer implementation's
        List<String> want = isLoadBalancer ? LoadBalancerNodes.addresses(ctx.informers().list(Node.class)) : List.of();
        if (matches(current(s), want)) return;
        Map<String, Object> loadBalancer = new LinkedHashMap<>();
        List<Map<String, Object>> ingress = new ArrayList<>();
        for (String ip : want) ingress.add(Map.of("ip", ip, "ipMode", "VIP"));
        loadBalancer.put("ingress", ingress.isEmpty() ? null : ingress);
        String patch = Serialization.asJson(Map.of("status", Map.of("loadBalancer", loadBalancer)));
        log.debug("service {}: load balancer ingress {}", key, want);
        try {
            ctx.client().services().inNamespace(Keys.namespace(key)).withName(Keys.name(key)).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) throw e;
        }
    }

    private static List<LoadBalancerIngress> current(Service s) {
        if (s.getStatus() == null || s.getStatus().getLoadBalancer() == null || s.getStatus().getLoadBalancer().getIngress() == null)
            return List.of();
        return s.getStatus().getLoadBalancer().getIngress();
    }

    private static boolean matches(List<LoadBalancerIngress> current, List<String> want) {
        if (current.size() != want.size()) return false;
        for (int i = 0; i < want.size(); i++) {
            LoadBalancerIngress in = current.get(i);
            if (!want.get(i).equals(in.getIp()) || !"VIP".equals(in.getIpMode()) || in.getHostname() != null) return false;
        }
        return true;
    }
}
