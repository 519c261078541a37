package dev.beluga.scheduler.apiclient;

import dev.beluga.apiserver.testing.TestServer;
import dev.beluga.hollow.HollowNodeSpec;
import dev.beluga.hollow.HollowNodes;
import dev.beluga.scheduler.config.SchedulerConfiguration;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scheduler against a real API server (embedded store), over the API only, with hollow nodes: resource fit,
 * taints, anti-affinity spreading, topology spread, preemption, and a pod that fits nowhere staying Pending with
 * upstream's event and condition until a node is added. Each test uses its own namespace and node prefix.
 */
class SchedulerIntegrationTest {
    @TempDir
    static Path dir;
    static TestServer server;
    static KubernetesClient client;
    static SchedulerRunner runner;
    final List<HollowNodes> nodeSets = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(dir);
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(server.kubeconfig))).build();
        runner = new SchedulerRunner(client, SchedulerConfiguration.defaults(), "test-scheduler", false, s -> { });
        runner.start();
    }

    @AfterAll
    static void stop() throws Exception {
        runner.close();
        client.close();
        server.close();
    }

    @AfterEach
    void removeNodes() {
        for (HollowNodes n : nodeSets) {
            n.close();
            n.deleteAll();
        }
    }

    private HollowNodes nodes(HollowNodeSpec spec) throws Exception {
        HollowNodes n = new HollowNodes(client, spec.withFakeKubelet(false));
        nodeSets.add(n);
        n.register();
        return n;
    }

    private void namespace(String ns) {
        client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }

    private static PodBuilder pod(String ns, String name, String cpu) {
        return new PodBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
            .withNewSpec().addNewContainer().withName("c").withImage("busybox:1.35")
            .withNewResources().withRequests(Map.of("cpu", new Quantity(cpu))).endResources().endContainer().endSpec();
    }

    private static Pod create(Pod p) {
        return client.pods().inNamespace(p.getMetadata().getNamespace()).resource(p).create();
    }

    private static String nodeOf(String ns, String name) {
        Pod p = client.pods().inNamespace(ns).withName(name).get();
        return p == null || p.getSpec().getNodeName() == null ? null : p.getSpec().getNodeName();
    }

    private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return;
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for: " + what);
    }

    private static List<Event> events(String ns, String pod, String reason) {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
            .filter(e -> pod.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason())).toList();
    }

    @Test
    void podsAreBoundWhereTheyFitAndAPodThatFitsNowhereWaitsForANewNode() throws Exception {
        namespace("fit");
        nodes(HollowNodeSpec.of(2, "fit").withCapacity("2", "8Gi", 110));
        create(pod("fit", "a", "1500m").build());
        create(pod("fit", "b", "1500m").build());
        eventually("a and b bound", () -> nodeOf("fit", "a") != null && nodeOf("fit", "b") != null);
        assertThat(nodeOf("fit", "a")).isNotEqualTo(nodeOf("fit", "b"));
        assertThat(events("fit", "a", "Scheduled")).isNotEmpty();

        create(pod("fit", "c", "1500m").build());
        eventually("c reported unschedulable", () -> !events("fit", "c", "FailedScheduling").isEmpty());
        Event failed = events("fit", "c", "FailedScheduling").getFirst();
        assertThat(failed.getType()).isEqualTo("Warning");
        assertThat(failed.getMessage()).startsWith("0/2 nodes are available: 2 Insufficient cpu.");
        eventually("PodScheduled=False", () -> {
            Pod c = client.pods().inNamespace("fit").withName("c").get();
            return c.getStatus().getConditions().stream().anyMatch(k -> "PodScheduled".equals(k.getType())
                && "False".equals(k.getStatus()) && "Unschedulable".equals(k.getReason()));
        });
        assertThat(nodeOf("fit", "c")).isNull();

        nodes(HollowNodeSpec.of(1, "fit-more").withCapacity("2", "8Gi", 110));
        eventually("c bound to the new node", () -> "fit-more-0".equals(nodeOf("fit", "c")));
    }

    @Test
    void taintedNodesOnlyTakePodsThatTolerateThem() throws Exception {
        namespace("taints");
        nodes(HollowNodeSpec.of(1, "tainted").withTaints(List.of(new TaintBuilder().withKey("dedicated").withValue("gpu")
            .withEffect("NoSchedule").build())));
        create(pod("taints", "plain", "100m").build());
        eventually("FailedScheduling for plain", () -> !events("taints", "plain", "FailedScheduling").isEmpty());
        assertThat(events("taints", "plain", "FailedScheduling").getFirst().getMessage())
            .contains("1 node(s) had untolerated taint {dedicated: gpu}");
        create(pod("taints", "tolerant", "100m").editSpec().addNewToleration().withKey("dedicated").withOperator("Equal")
            .withValue("gpu").withEffect("NoSchedule").endToleration().endSpec().build());
        eventually("tolerant bound", () -> "tainted-0".equals(nodeOf("taints", "tolerant")));
        assertThat(nodeOf("taints", "plain")).isNull();
    }

    @Test
    void requiredAntiAffinitySpreadsPodsOverNodes() throws Exception {
        namespace("anti");
        nodes(HollowNodeSpec.of(3, "anti"));
        for (int i = 0; i < 4; i++) {
            create(pod("anti", "web-" + i, "100m").editMetadata().addToLabels("app", "web").endMetadata()
                .editSpec().withNewAffinity().withNewPodAntiAffinity().addNewRequiredDuringSchedulingIgnoredDuringExecution()
                .withTopologyKey("kubernetes.io/hostname").withNewLabelSelector().addToMatchLabels("app", "web").endLabelSelector()
                .endRequiredDuringSchedulingIgnoredDuringExecution().endPodAntiAffinity().endAffinity().endSpec().build());
        }
        eventually("three of four bound", () -> {
            int bound = 0;
            for (int i = 0; i < 4; i++) if (nodeOf("anti", "web-" + i) != null) bound++;
            return bound == 3;
        });
        Set<String> used = new HashSet<>();
        String pending = null;
        for (int i = 0; i < 4; i++) {
            String n = nodeOf("anti", "web-" + i);
            if (n == null) pending = "web-" + i;
            else used.add(n);
        }
        assertThat(used).containsExactlyInAnyOrder("anti-0", "anti-1", "anti-2");
        String stuck = pending;
        eventually("FailedScheduling for the fourth", () -> !events("anti", stuck, "FailedScheduling").isEmpty());
        assertThat(events("anti", stuck, "FailedScheduling").getFirst().getMessage())
            .contains("3 node(s) didn't match pod anti-affinity rules");
    }

    @Test
    void topologySpreadKeepsZonesBalanced() throws Exception {
        namespace("spread");
        nodes(HollowNodeSpec.of(6, "spread").withZones(3));
        for (int i = 0; i < 6; i++) {
            create(pod("spread", "s-" + i, "100m").editMetadata().addToLabels("app", "s").endMetadata()
                .editSpec().addNewTopologySpreadConstraint().withMaxSkew(1).withTopologyKey("topology.kubernetes.io/zone")
                .withWhenUnsatisfiable("DoNotSchedule").withNewLabelSelector().addToMatchLabels("app", "s").endLabelSelector()
                .endTopologySpreadConstraint().endSpec().build());
            String name = "s-" + i;
            eventually(name + " bound", () -> nodeOf("spread", name) != null);
        }
        Map<String, Integer> perZone = new java.util.HashMap<>();
        for (int i = 0; i < 6; i++) {
            int node = Integer.parseInt(nodeOf("spread", "s-" + i).substring("spread-".length()));
            perZone.merge("zone-" + (node % 3), 1, Integer::sum);
        }
        assertThat(perZone).containsOnly(Map.entry("zone-0", 2), Map.entry("zone-1", 2), Map.entry("zone-2", 2));
    }

    @Test
    void aHighPriorityPodPreemptsALowPriorityOne() throws Exception {
        namespace("preempt");
        client.scheduling().v1().priorityClasses().resource(new PriorityClassBuilder().withNewMetadata().withName("high")
            .endMetadata().withValue(1000).build()).create();
        nodes(HollowNodeSpec.of(1, "preempt").withCapacity("2", "8Gi", 110));
        create(pod("preempt", "low", "1500m").build());
        eventually("low bound", () -> nodeOf("preempt", "low") != null);
        create(pod("preempt", "high", "1500m").editSpec().withPriorityClassName("high").endSpec().build());
        eventually("low preempted (deleted)", () -> {
            Pod low = client.pods().inNamespace("preempt").withName("low").get();
            return low == null || low.getMetadata().getDeletionTimestamp() != null;
        });
        // the hollow kubelet is off: finish the victim's termination as a kubelet would
        client.pods().inNamespace("preempt").withName("low").withGracePeriod(0).delete();
        eventually("high bound", () -> "preempt-0".equals(nodeOf("preempt", "high")));
    }
}
