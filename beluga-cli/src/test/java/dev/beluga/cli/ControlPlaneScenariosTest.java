package dev.beluga.cli;

import dev.beluga.cli.args.CliRunner;
import dev.beluga.controllers.BuiltinControllers;
import dev.beluga.controllers.nodelifecycle.NodeLifecycleController;
import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerManager;
import dev.beluga.hollow.HollowNodeSpec;
import dev.beluga.hollow.HollowNodes;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The control plane as a whole on hollow nodes (the fake kubelet marks pods Running and Ready, like kwok): the
 * server with its scheduler, and a controller manager the test can stop and start again.
 * <ul>
 *   <li>the controller manager killed in the middle of a rollout: a new one finishes it, and the Deployment never has
 *       more live pods than replicas + maxSurge, and ends with exactly replicas;</li>
 *   <li>a deleted pod is replaced;</li>
 *   <li>a node that stops heartbeating gets the unreachable taints and its pods are evicted and recreated elsewhere.</li>
 * </ul>
 */
class ControlPlaneScenariosTest {
    @TempDir
    Path dir;

    private ServerCommand.Running start() throws Exception {
        ServerCommand cmd = new ServerCommand();
        cmd.disableAgent = true;
        CliRunner.bind(cmd, "--data-dir", dir.resolve("data").toString(), "--https-port", "0", "--disable-controller-manager");
        return cmd.start();
    }

    /** The built-in controllers, with a node grace period of 3 s instead of 40 s. */
    private static ControllerManager manager(KubernetesClient client, String identity) {
        ControllerManager m = new ControllerManager(client, () -> {
            List<Controller> all = new ArrayList<>(BuiltinControllers.create(Set.of("node-lifecycle-controller")));
            all.add(new NodeLifecycleController(Duration.ofSeconds(3)));
            return all;
        }, Clock.systemUTC(), identity, false);
        m.start();
        return m;
    }

    private static Deployment deployment(String name, int replicas) {
        return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
            .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", name).endSelector()
            .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate().withNewMaxSurge(2).withNewMaxUnavailable(0)
            .endRollingUpdate().endStrategy()
            .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
            .withNewSpec().withTerminationGracePeriodSeconds(0L)
            .addNewToleration().withKey("node.kubernetes.io/unreachable").withOperator("Exists").withEffect("NoExecute").withTolerationSeconds(1L).endToleration()
            .addNewToleration().withKey("node.kubernetes.io/not-ready").withOperator("Exists").withEffect("NoExecute").withTolerationSeconds(1L).endToleration()
            .addNewContainer().withName("c").withImage("busybox:1.35").endContainer().endSpec().endTemplate().endSpec().build();
    }

    private static void eventually(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) return;
            } catch (RuntimeException e) {
                // not there yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for: " + what);
    }

    private static List<Pod> live(KubernetesClient client, String app) {
        return client.pods().inNamespace("default").withLabel("app", app).list().getItems().stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    private static boolean rolledOut(KubernetesClient client, String name, int replicas) {
        Deployment d = client.apps().deployments().inNamespace("default").withName(name).get();
        var s = d.getStatus();
        return s != null && s.getObservedGeneration() != null && s.getObservedGeneration() >= d.getMetadata().getGeneration()
            && Integer.valueOf(replicas).equals(s.getUpdatedReplicas()) && Integer.valueOf(replicas).equals(s.getReplicas())
            && Integer.valueOf(replicas).equals(s.getAvailableReplicas());
    }

    @Test
    void aRolloutSurvivesAControllerManagerRestartWithNoExtraPods() throws Exception {
        try (ServerCommand.Running server = start();
             KubernetesClient client = ControlPlaneComponents.client(server.kubeconfig());
             HollowNodes nodes = new HollowNodes(client, HollowNodeSpec.of(4, "n").withLeaseInterval(Duration.ofSeconds(1)))) {
            nodes.register();
            ControllerManager first = manager(client, "first");
            ControllerManager second = null;
            Watch watch = null;
            try {
                Deployment web = deployment("web", 20);
                web.getSpec().setMinReadySeconds(3); // each surge step waits 3 s: the rollout takes ~30 s, long enough to interrupt
                client.apps().deployments().inNamespace("default").resource(web).create();
                eventually("20 ready", Duration.ofSeconds(60), () -> rolledOut(client, "web", 20));

                // count live pods at every change: never more than replicas + maxSurge
                Map<String, Boolean> liveNow = new ConcurrentHashMap<>();
                AtomicInteger maxLive = new AtomicInteger();
                for (Pod p : live(client, "web")) liveNow.put(p.getMetadata().getName(), true);
                watch = client.pods().inNamespace("default").withLabel("app", "web").watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, Pod p) {
                        if (action == Action.DELETED || p.getMetadata().getDeletionTimestamp() != null) liveNow.remove(p.getMetadata().getName());
                        else liveNow.put(p.getMetadata().getName(), true);
                        maxLive.accumulateAndGet(liveNow.size(), Math::max);
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                });
                {
                    client.apps().deployments().inNamespace("default").withName("web").patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
                        "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"version\":\"2\"}}}}}");
                    eventually("rollout under way", Duration.ofSeconds(60), () -> {
                        var s = client.apps().deployments().inNamespace("default").withName("web").get().getStatus();
                        return s.getObservedGeneration() == 2 && s.getUpdatedReplicas() != null && s.getUpdatedReplicas() >= 4;
                    });
                    first.close();
                    Thread.sleep(500);
                    int updatedAtKill = (int) live(client, "web").stream().filter(p -> "2".equals(p.getMetadata().getAnnotations() == null ? null
                        : p.getMetadata().getAnnotations().get("version"))).count();
                    assertThat(updatedAtKill).as("killed mid-rollout").isLessThan(20);
                    second = manager(client, "second");
                    {
                        eventually("rollout complete", Duration.ofSeconds(90), () -> rolledOut(client, "web", 20));
                        eventually("old pods gone", Duration.ofSeconds(30), () -> live(client, "web").size() == 20);
                        assertThat(live(client, "web")).hasSize(20);
                        assertThat(maxLive.get()).as("live pods never above replicas + maxSurge").isLessThanOrEqualTo(22);

                        // a deleted pod is replaced
                        String victim = live(client, "web").getFirst().getMetadata().getName();
                        client.pods().inNamespace("default").withName(victim).delete();
                        eventually("replaced", Duration.ofSeconds(30), () -> {
                            List<Pod> now = live(client, "web");
                            return now.size() == 20 && now.stream().noneMatch(p -> p.getMetadata().getName().equals(victim));
                        });
                    }
                }
            } finally {
                // also on failure: no controller manager outlives the test (close is idempotent)
                if (watch != null) watch.close();
                first.close();
                if (second != null) second.close();
            }
        }
    }

    @Test
    void podsOfANodeThatStopsHeartbeatingAreRecreatedElsewhere() throws Exception {
        try (ServerCommand.Running server = start();
             KubernetesClient client = ControlPlaneComponents.client(server.kubeconfig());
             HollowNodes nodes = new HollowNodes(client, HollowNodeSpec.of(3, "n").withLeaseInterval(Duration.ofSeconds(1)));
             ControllerManager manager = manager(client, "cm")) {
            nodes.register();
            client.apps().deployments().inNamespace("default").resource(deployment("app", 6)).create();
            eventually("6 ready", Duration.ofSeconds(60), () -> rolledOut(client, "app", 6));
            String dead = live(client, "app").getFirst().getSpec().getNodeName();
            long onDead = live(client, "app").stream().filter(p -> dead.equals(p.getSpec().getNodeName())).count();
            assertThat(onDead).isPositive();

            nodes.stopHeartbeat(dead);
            eventually("node tainted unreachable", Duration.ofSeconds(30), () -> {
                var taints = client.nodes().withName(dead).get().getSpec().getTaints();
                return taints != null && taints.stream().anyMatch(t -> t.getKey().equals("node.kubernetes.io/unreachable") && t.getEffect().equals("NoExecute"));
            });
            eventually("pods recreated on the other nodes", Duration.ofSeconds(60), () -> {
                List<Pod> now = live(client, "app");
                return now.size() == 6 && now.stream().noneMatch(p -> dead.equals(p.getSpec().getNodeName()))
                    && rolledOut(client, "app", 6);
            });
            assertThat(client.nodes().withName(dead).get().getStatus().getConditions())
                .anySatisfy(c -> {
                    assertThat(c.getType()).isEqualTo("Ready");
                    assertThat(c.getStatus()).isEqualTo("Unknown");
                });
        }
    }
}
