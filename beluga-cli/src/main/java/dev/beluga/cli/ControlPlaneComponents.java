package dev.beluga.cli;

import dev.beluga.scheduler.apiclient.SchedulerRunner;
import dev.beluga.scheduler.config.SchedulerConfiguration;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Starts the control-plane components that run beside the API server — in {@code beluga server}, or alone — each
 * talking to the API server only through the API (a fabric8 client from a kubeconfig), as k3s runs them.
 */
public final class ControlPlaneComponents {
    private ControlPlaneComponents() {
    }

    /**
     * A fabric8 client for a kubeconfig, with rate limits off (the server is the only judge of load) and
     * {@link ComponentSerialization}.
     */
    public static KubernetesClient client(Path kubeconfig) throws IOException {
        Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
        unlimited(config);
        return new KubernetesClientBuilder().withConfig(config).withKubernetesSerialization(ComponentSerialization.INSTANCE).build();
    }

    /** Sets the limits every Beluga component's client uses: a 60 s request timeout, up to 1,024 requests at once. */
    public static void unlimited(Config config) {
        config.setRequestTimeout(60_000);
        config.setMaxConcurrentRequests(1024);
        config.setMaxConcurrentRequestsPerHost(1024);
    }

    /**
     * Starts the scheduler with leader election, configured from a KubeSchedulerConfiguration file (null: defaults;
     * an invalid file fails here, before anything starts). Its identity is the host name plus a digest of the data directory,
     * stable across restarts, so a server that crashed takes its lease back at once instead of waiting for it to
     * expire. Its metrics join {@code registry}. Closing the result stops the scheduler and its client.
     */
    static AutoCloseable scheduler(Path kubeconfig, Path stateDir, PrometheusRegistry registry, Path configFile) throws Exception {
        SchedulerConfiguration configuration = configFile == null ? SchedulerConfiguration.defaults()
            : dev.beluga.scheduler.config.ConfigLoader.load(configFile);
        KubernetesClient client = client(kubeconfig);
        String identity = identity(stateDir);
        SchedulerRunner runner = new SchedulerRunner(client, configuration, identity, true, s -> { });
        if (registry != null) registry.register(new SchedulerMetricsCollector(runner::current));
        runner.start();
        return new AutoCloseable() {
            @Override
            public void close() throws Exception {
                runner.close();
                client.close();
            }

            @Override
            public String toString() {
                return "the scheduler";
            }
        };
    }

    /**
     * Starts the controller manager (the built-in controllers but {@code disabled}; CSRs signed with {@code signing},
     * none when null) with leader election through the {@code kube-system/kube-controller-manager} Lease. Closing the
     * result stops it and its client.
     */
    static AutoCloseable controllerManager(Path kubeconfig, Path stateDir, java.util.Set<String> disabled,
                                           dev.beluga.controllers.certificates.CertificateSigning signing) throws Exception {
        KubernetesClient client = client(kubeconfig);
        dev.beluga.controllers.runtime.ControllerManager manager = new dev.beluga.controllers.runtime.ControllerManager(client,
            () -> dev.beluga.controllers.BuiltinControllers.create(disabled, signing), java.time.Clock.systemUTC(), identity(stateDir), true);
        manager.start();
        return new AutoCloseable() {
            @Override
            public void close() throws Exception {
                manager.close();
                client.close();
            }

            @Override
            public String toString() {
                return "the controller manager";
            }
        };
    }

    static String identity(Path stateDir) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "beluga";
        }
        byte[] digest;
        try {
            digest = java.security.MessageDigest.getInstance("SHA-256").digest(stateDir.toAbsolutePath().toString().getBytes());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return host + "_" + HexFormat.of().formatHex(digest, 0, 4);
    }
}
