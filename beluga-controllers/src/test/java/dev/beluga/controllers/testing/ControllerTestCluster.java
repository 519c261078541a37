package dev.beluga.controllers.testing;

import dev.beluga.apiserver.testing.TestServer;
import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerManager;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A real API server (embedded store) with a controller manager running the given controllers (no leader election),
 * and a fabric8 client for the test, for integration tests of controllers. {@link #eventually} polls a condition
 * (behaviour, not timing: the bound is generous).
 */
public final class ControllerTestCluster implements AutoCloseable {
    public final TestServer server;
    public final KubernetesClient client;
    public final ControllerManager manager;

    public ControllerTestCluster(Path dir, Supplier<List<Controller>> controllers) throws Exception {
        this(dir, controllers, Clock.systemUTC());
    }

    public ControllerTestCluster(Path dir, Supplier<List<Controller>> controllers, Clock clock) throws Exception {
        server = new TestServer(dir);
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(server.kubeconfig))).build();
        manager = new ControllerManager(client, controllers, clock, "test", false);
        manager.start();
        if (!manager.awaitRunning(Duration.ofSeconds(60))) throw new IllegalStateException("controllers did not start");
    }

    public static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) return;
            } catch (RuntimeException e) {
                // not there yet (e.g. a field still null)
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for: " + what);
    }

    @Override
    public void close() throws Exception {
        manager.close();
        client.close();
        server.close();
    }
}
