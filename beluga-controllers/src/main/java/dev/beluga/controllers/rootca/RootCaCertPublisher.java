package dev.beluga.controllers.rootca;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.KeyEvents;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The root CA publisher (upstream {@code root-ca-cert-publisher}): every active namespace has a ConfigMap
 * {@value #NAME} whose {@code ca.crt} is the CA bundle that verifies the API server (what the projected
 * {@code kube-api-access-*} volumes give pods), with upstream's description annotation. It is created when the
 * namespace appears, re-created when deleted, and its data put back (other keys dropped, as upstream) when changed.
 * Namespaces being deleted are left alone.
 *
 * <p>The bundle is the one the controller manager itself trusts the API server with (its kubeconfig's
 * certificate authority), unless given; without one (an insecure kubeconfig) the controller does nothing and says so.
 */
public final class RootCaCertPublisher implements Controller {
    public static final String NAME = "kube-root-ca.crt";
    public static final String KEY = "ca.crt";
    static final String DESCRIPTION_ANNOTATION = "kubernetes.io/description";
    static final String DESCRIPTION = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal"
        + " endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across"
        + " distributions of Kubernetes clusters.";

    private final Supplier<String> configuredBundle;
    private ControllerContext ctx;
    private String bundle;

    /** Publishing the CA of the controller manager's own client configuration. */
    public RootCaCertPublisher() {
        this(null);
    }

    /** Publishing {@code bundle} (PEM); null: the client's CA. */
    public RootCaCertPublisher(Supplier<String> bundle) {
        this.configuredBundle = bundle;
    }

    @Override
    public String name() {
        return "root-ca-cert-publisher";
    }

    @Override
    public void register(ControllerContext ctx, WorkQueue<String> queue) {
        this.ctx = ctx;
        this.bundle = configuredBundle != null ? configuredBundle.get() : clientBundle(ctx.client().getConfiguration());
        if (bundle == null) {
            LoggerFactory.getLogger(RootCaCertPublisher.class).warn("{}: the controller manager's kubeconfig names no certificate"
                + " authority; {} ConfigMaps are not published", name(), NAME);
            return;
        }
        ctx.informers().informer(Namespace.class).addEventHandler(KeyEvents.enqueue(queue));
        ctx.informers().informer(ConfigMap.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap cm) {
            }

            @Override
            public void onUpdate(ConfigMap o, ConfigMap n) {
                if (NAME.equals(n.getMetadata().getName())) queue.add(n.getMetadata().getNamespace());
            }

            @Override
            public void onDelete(ConfigMap cm, boolean unknown) {
                if (NAME.equals(cm.getMetadata().getName())) queue.add(cm.getMetadata().getNamespace());
            }
        });
    }

    /** The PEM bundle of a client configuration's certificate authority (data, else file), or null when it names none. */
    static String clientBundle(Config config) {
        if (config.getCaCertData() != null && !config.getCaCertData().isBlank())
            return new String(java.util.Base64.getDecoder().decode(config.getCaCertData().strip()), StandardCharsets.UTF_8);
        if (config.getCaCertFile() != null) {
            try {
                return Files.readString(Path.of(config.getCaCertFile()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the API server's CA " + config.getCaCertFile(), e);
            }
        }
        return null;
    }

    @Override
    public void reconcile(String namespace) {
        Namespace ns = ctx.informers().get(Namespace.class, null, namespace);
        if (ns == null || ns.getMetadata().getDeletionTimestamp() != null) return;
        Map<String, String> data = Map.of(KEY, bundle);
        ConfigMap cm = ctx.informers().get(ConfigMap.class, namespace, NAME);
        if (cm == null) {
            try {
                ctx.client().configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata().withName(NAME)
                    .withNamespace(namespace).addToAnnotations(DESCRIPTION_ANNOTATION, DESCRIPTION).endMetadata().withData(data).build()).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) return; // made meanwhile (the cache was behind); its update event brings us back
                if (e.getCode() == 403 || e.getCode() == 404) return; // the namespace is terminating or gone
                throw e;
            }
            return;
        }
        Map<String, String> annotations = cm.getMetadata().getAnnotations() == null ? Map.of() : cm.getMetadata().getAnnotations();
        boolean described = annotations.get(DESCRIPTION_ANNOTATION) != null && !annotations.get(DESCRIPTION_ANNOTATION).isEmpty();
        if (Objects.equals(cm.getData(), data) && described && (cm.getBinaryData() == null || cm.getBinaryData().isEmpty())) return;
        ConfigMap fixed = new ConfigMapBuilder(cm).withData(data).withBinaryData(null).build();
        Map<String, String> newAnnotations = new HashMap<>(annotations);
        if (!described) newAnnotations.put(DESCRIPTION_ANNOTATION, DESCRIPTION);
        fixed.getMetadata().setAnnotations(newAnnotations);
        ctx.client().configMaps().inNamespace(namespace).resource(fixed).update(); // 409 if the cache was behind: retried
    }
}
