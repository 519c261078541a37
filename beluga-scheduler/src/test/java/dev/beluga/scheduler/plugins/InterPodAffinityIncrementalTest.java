package dev.beluga.scheduler.plugins;

import dev.beluga.scheduler.cache.SchedulerCache;
import dev.beluga.scheduler.cache.Snapshot;
import dev.beluga.scheduler.framework.Code;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.PreFilterResult;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.listers.ClusterListers;
import dev.beluga.scheduler.plugins.interpodaffinity.InterPodAffinity;
import dev.beluga.scheduler.testing.FakeClock;
import dev.beluga.scheduler.testing.TestNodes;
import dev.beluga.scheduler.testing.TestPods;
import io.fabric8.kubernetes.api.model.Node;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * InterPodAffinity keeps its PreFilter counts from one cycle to the next and recounts only the nodes the snapshot
 * reports as changed: after every kind of change (pods added, assumed, removed, node relabelled, node added) its
 * verdicts must equal those of a plugin that counts everything afresh.
 */
class InterPodAffinityIncrementalTest {
    private final SchedulerCache cache = new SchedulerCache(new FakeClock(), Duration.ofSeconds(10));
    private final Snapshot snapshot = new Snapshot();
    private final InterPodAffinity kept = new InterPodAffinity(null, snapshot, ClusterListers.NO_NAMESPACES);

    private static Node node(int i, String zone) {
        return TestNodes.node("n" + i).zone(zone).hostnameLabel().build();
    }

    private static PodInfo green(String name, String node) {
        TestPods.Builder b = TestPods.pod(name).label("color", "green").antiAffinity("kubernetes.io/hostname", "color", "green");
        return (node == null ? b : b.node(node)).info();
    }

    private static PodInfo withBlue(String name, String node) {
        return TestPods.pod(name).label("color", "red").podAffinity("topology.kubernetes.io/zone", "color", "blue").node(node).info();
    }

    private static PodInfo blue(String name, String node) {
        return TestPods.pod(name).label("color", "blue").node(node).info();
    }

    /** Filter verdicts per node for {@code pod}, from the long-lived plugin and from a fresh one; asserts they agree. */
    private Map<String, String> verdicts(PodInfo pod) {
        cache.updateSnapshot(snapshot);
        Map<String, String> fromKept = run(kept, pod);
        Map<String, String> fresh = run(new InterPodAffinity(null, snapshot, ClusterListers.NO_NAMESPACES), pod);
        assertThat(fromKept).isEqualTo(fresh);
        return fromKept;
    }

    private Map<String, String> run(InterPodAffinity plugin, PodInfo pod) {
        CycleState state = new CycleState();
        PreFilterResult pre = plugin.preFilter(state, pod, snapshot.list());
        Map<String, String> out = new LinkedHashMap<>();
        for (NodeInfo ni : snapshot.list()) {
            Status s = pre.status().code() == Code.SKIP ? Status.SUCCESS : plugin.filter(state, pod, ni);
            out.put(ni.name(), s.code() + " " + s.reasons());
        }
        return out;
    }

    private static long rejected(Map<String, String> verdicts) {
        return verdicts.values().stream().filter(v -> !v.startsWith("SUCCESS")).count();
    }

    @Test
    void keptCountsFollowEveryChangeOfTheSnapshot() {
        for (int i = 0; i < 6; i++) cache.addNode(node(i, "z" + (i % 2)));
        cache.addPod(green("g0", "n0"));
        cache.addPod(withBlue("r0", "n1"));
        PodInfo next = green("next", null);
        assertThat(rejected(verdicts(next))).isEqualTo(1);

        cache.addPod(green("g1", "n2"));
        assertThat(rejected(verdicts(next))).isEqualTo(2);

        PodInfo assumed = green("g2", null);
        cache.assumePod(assumed, "n3");
        assertThat(rejected(verdicts(next))).isEqualTo(3);

        cache.forgetPod(assumed);
        cache.removePod(green("g0", "n0"));
        assertThat(verdicts(next)).containsEntry("n0", "SUCCESS []").containsEntry("n3", "SUCCESS []");

        // a relabelled node moves its pods' counts to the new topology pair
        Node old = node(2, "z0");
        cache.updateNode(old, TestNodes.node("n2").zone("z1").label("kubernetes.io/hostname", "other").build());
        assertThat(rejected(verdicts(next))).isEqualTo(1);

        cache.addNode(node(6, "z0"));
        cache.addPod(green("g6", "n6"));
        assertThat(rejected(verdicts(next))).isEqualTo(2);

        // another shape in between (required affinity to blue pods): counted afresh, and the green shape still right after
        PodInfo red = TestPods.pod("red").label("color", "red").podAffinity("topology.kubernetes.io/zone", "color", "blue").info();
        cache.addPod(blue("b1", "n1"));
        assertThat(verdicts(red)).containsEntry("n3", "SUCCESS []").containsEntry("n1", "SUCCESS []");
        cache.addPod(green("g4", "n4"));
        assertThat(rejected(verdicts(next))).isEqualTo(3);
    }

    @Test
    void preemptionChangesToTheStateDoNotLeakIntoTheNextCycle() {
        for (int i = 0; i < 3; i++) cache.addNode(node(i, "z0"));
        PodInfo victim = green("g0", "n0");
        cache.addPod(victim);
        PodInfo next = green("next", null);
        cache.updateSnapshot(snapshot);
        CycleState state = new CycleState();
        kept.preFilter(state, next, snapshot.list());
        NodeInfo n0 = snapshot.get("n0");
        assertThat(kept.filter(state, next, n0).isSuccess()).isFalse();
        kept.removePod(state, next, victim, n0);
        assertThat(kept.filter(state, next, n0).isSuccess()).isTrue();
        assertThat(verdicts(next).get("n0")).doesNotStartWith("SUCCESS");
    }
}
