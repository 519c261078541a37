package dev.beluga.controllers.serviceaccount;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/**
 * The service-account controller (upstream {@code serviceaccounts-controller}): every active namespace has a
 * {@code default} ServiceAccount; it is created when the namespace appears and re-created if deleted. Namespaces
 * being deleted are left alone.
 */
public final class ServiceAccountController implements Controller {
    public static final String DEFAULT = "default";
    private ControllerContext ctx;

    @Override
    public String name() {
        return "serviceaccount-controller";
    }

    @Override
    public void register(ControllerContext ctx, WorkQueue<String> queue) {
        this.ctx = ctx;
        ctx.informers().informer(Namespace.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Namespace ns) {
                queue.add(ns.getMetadata().getName());
            }

            @Override
            public void onUpdate(Namespace o, Namespace n) {
            }

            @Override
            public void onDelete(Namespace ns, boolean unknown) {
            }
        });
        ctx.informers().informer(ServiceAccount.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ServiceAccount sa) {
            }

            @Override
            public void onUpdate(ServiceAccount o, ServiceAccount n) {
            }

            @Override
            public void onDelete(ServiceAccount sa, boolean unknown) {
                if (DEFAULT.equals(sa.getMetadata().getName())) queue.add(sa.getMetadata().getNamespace());
            }
        });
    }

    @Override
    public void reconcile(String namespace) {
        Namespace ns = ctx.informers().get(Namespace.class, null, namespace);
        if (ns == null || ns.getMetadata().getDeletionTimestamp() != null) return;
        if (ctx.informers().get(ServiceAccount.class, namespace, DEFAULT) != null) return;
        try {
            ctx.client().serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName(DEFAULT).withNamespace(namespace).endMetadata().build()).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) throw e; // 409: it exists already (the cache was behind)
        }
    }
}
