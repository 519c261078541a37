package dev.beluga.scheduler.cache;

import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.testing.FakeClock;
import dev.beluga.scheduler.testing.TestNodes;
import dev.beluga.scheduler.testing.TestPods;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Upstream {@code backend/cache.TestAssumePodScheduled}, {@code TestExpirePod}, {@code TestAddPodWillConfirm},
 * {@code TestAddPodWillReplaceAssumed}, {@code TestForgetPod}, {@code TestRemoveNode}, {@code TestSchedulerCache_UpdateSnapshot}
 * and {@code TestNodeTree}, with a fake clock and a 10 s TTL.
 */
class SchedulerCacheTest {
    private static final Duration TTL = Duration.ofSeconds(10);
    private final FakeClock clock = new FakeClock();
    private final SchedulerCache cache = new SchedulerCache(clock, TTL);

    private static PodInfo pod(String name, String cpu, String node) {
        return TestPods.pod(name).cpu(cpu).node(node).info();
    }

    private long requestedMilliCpu(String node) {
        return cache.nodeInfo(node).requested().milliCpu;
    }

    @Test
    void assumedPodsAreCountedOnTheirNode() {
        cache.addNode(TestNodes.node("n1").cpu("4").build());
        PodInfo p = TestPods.pod("p").cpu("1").info();
        cache.assumePod(p, "n1");
        assertThat(cache.isAssumedPod(p.uid())).isTrue();
        assertThat(cache.nodeOf(p.uid())).isEqualTo("n1");
        assertThat(cache.podCount()).isEqualTo(1);
        assertThat(cache.assumedPodCount()).isEqualTo(1);
        assertThat(requestedMilliCpu("n1")).isEqualTo(1000);
        assertThat(cache.nodeInfo("n1").pods()).extracting(PodInfo::name).containsExactly("p");
    }

    @Test
    void assumingAPodTwiceFails() {
        PodInfo p = TestPods.pod("p").info();
        cache.assumePod(p, "n1");
        assertThatThrownBy(() -> cache.assumePod(p, "n2")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void assumedPodsExpireOnlyAfterBindingFinishedAndTheTtlPassed() {
        cache.addNode(TestNodes.node("n1").cpu("4").build());
        PodInfo p = TestPods.pod("p").cpu("1").info();
        cache.assumePod(p, "n1");
        clock.advance(Duration.ofHours(1));
        assertThat(cache.cleanupExpiredAssumedPods()).as("binding still in progress").isZero();

        cache.finishBinding(p);
        clock.advance(Duration.ofSeconds(9));
        assertThat(cache.cleanupExpiredAssumedPods()).isZero();
        assertThat(requestedMilliCpu("n1")).isEqualTo(1000);

        clock.advance(Duration.ofSeconds(2));
        assertThat(cache.cleanupExpiredAssumedPods()).isEqualTo(1);
        assertThat(cache.isAssumedPod(p.uid())).isFalse();
        assertThat(cache.getPod(p.uid())).isNull();
        assertThat(cache.podCount()).isZero();
        assertThat(requestedMilliCpu("n1")).isZero();
    }

    @Test
    void aZeroTtlNeverExpires() {
        SchedulerCache forever = new SchedulerCache(clock, Duration.ZERO);
        PodInfo p = TestPods.pod("p").info();
        forever.assumePod(p, "n1");
        forever.finishBinding(p);
        clock.advance(Duration.ofDays(30));
        assertThat(forever.cleanupExpiredAssumedPods()).isZero();
        assertThat(forever.isAssumedPod(p.uid())).isTrue();
    }

    @Test
    void addPodConfirmsAnAssumedPod() {
        cache.addNode(TestNodes.node("n1").cpu("4").build());
        PodInfo assumed = TestPods.pod("p").cpu("1").info();
        cache.assumePod(assumed, "n1");
        cache.finishBinding(assumed);
        cache.addPod(pod("p", "1", "n1"));
        assertThat(cache.isAssumedPod(assumed.uid())).isFalse();
        assertThat(cache.podCount()).isEqualTo(1);
        assertThat(requestedMilliCpu("n1")).as("counted once").isEqualTo(1000);
        clock.advance(Duration.ofMinutes(1));
        assertThat(cache.cleanupExpiredAssumedPods()).as("a confirmed pod does not expire").isZero();
        assertThat(requestedMilliCpu("n1")).isEqualTo(1000);
    }

    @Test
    void addPodOnAnotherNodeThanAssumedMovesThePod() {
        cache.addNode(TestNodes.node("n1").cpu("4").build());
        cache.addNode(TestNodes.node("n2").cpu("4").build());
        PodInfo assumed = TestPods.pod("p").cpu("1").info();
        cache.assumePod(assumed, "n1");
        cache.addPod(pod("p", "1", "n2"));
        assertThat(cache.nodeOf(assumed.uid())).isEqualTo("n2");
        assertThat(requestedMilliCpu("n1")).isZero();
        assertThat(requestedMilliCpu("n2")).isEqualTo(1000);
        assertThat(cache.podCount()).isEqualTo(1);
    }

    @Test
    void forgetRemovesOnlyAssumedPods() {
        cache.addNode(TestNodes.node("n1").cpu("4").build());
        PodInfo assumed = TestPods.pod("a").cpu("1").info();
        cache.assumePod(assumed, "n1");
        cache.forgetPod(assumed);
        assertThat(cache.getPod(assumed.uid())).isNull();
        assertThat(requestedMilliCpu("n1")).isZero();

        PodInfo bound = pod("b", "2", "n1");
        cache.addPod(bound);
        cache.forgetPod(bound);
        assertThat(cache.getPod(bound.uid())).isNotNull();
        assertThat(requestedMilliCpu("n1")).isEqualTo(2000);
    }

    @Test
    void updateAndRemoveBoundPods() {
        cache.addNode(TestNodes.node("n1").cpu("4").build());
        PodInfo v1 = pod("p", "1", "n1");
        cache.addPod(v1);
        PodInfo v2 = pod("p", "3", "n1");
        cache.updatePod(v1, v2);
        assertThat(requestedMilliCpu("n1")).isEqualTo(3000);
        assertThat(cache.getPod(v1.uid())).isSameAs(v2);
        cache.removePod(v2);
        assertThat(requestedMilliCpu("n1")).isZero();
        assertThat(cache.podCount()).isZero();
    }

    @Test
    void podsWithoutNodeNameAreIgnoredByAddPod() {
        cache.addPod(TestPods.pod("pending").info());
        assertThat(cache.podCount()).isZero();
    }

    @Test
    void aRemovedNodeLeavesTheSnapshotButItsPodsStayUntilRemoved() {
        cache.addNode(TestNodes.node("n1").cpu("4").build());
        cache.addNode(TestNodes.node("n2").cpu("4").build());
        PodInfo p = pod("p", "1", "n1");
        cache.addPod(p);
        Snapshot snapshot = new Snapshot();
        cache.updateSnapshot(snapshot);
        assertThat(snapshot.list()).extracting(NodeInfo::name).containsExactlyInAnyOrder("n1", "n2");

        cache.removeNode(TestNodes.node("n1").build());
        assertThat(cache.nodeCount()).isEqualTo(1);
        cache.updateSnapshot(snapshot);
        assertThat(snapshot.list()).extracting(NodeInfo::name).containsExactly("n2");
        assertThat(snapshot.get("n1")).isNull();
        NodeInfo ghost = cache.nodeInfo("n1");
        assertThat(ghost.node()).isNull();
        assertThat(ghost.pods()).hasSize(1);

        cache.removePod(p);
        assertThat(cache.nodeInfo("n1")).isNull();
    }

    @Test
    void podsMayArriveBeforeTheirNode() {
        cache.addPod(pod("early", "1", "late"));
        Snapshot snapshot = new Snapshot();
        cache.updateSnapshot(snapshot);
        assertThat(cache.nodeCount()).isZero();
        assertThat(snapshot.list()).isEmpty();
        cache.addNode(TestNodes.node("late").cpu("2").build());
        cache.updateSnapshot(snapshot);
        assertThat(snapshot.get("late").pods()).extracting(PodInfo::name).containsExactly("early");
        assertThat(snapshot.get("late").requested().milliCpu).isEqualTo(1000);
    }

    @Test
    void theSnapshotFollowsPodAndNodeChanges() {
        cache.addNode(TestNodes.node("n1").cpu("4").build());
        cache.addNode(TestNodes.node("n2").cpu("4").build());
        Snapshot snapshot = new Snapshot();
        cache.updateSnapshot(snapshot);
        NodeInfo n2 = snapshot.get("n2");
        long n2Generation = n2.generation();

        cache.addPod(pod("p", "1", "n1"));
        cache.updateNode(TestNodes.node("n1").cpu("4").build(), TestNodes.node("n1").cpu("8").build());
        cache.updateSnapshot(snapshot);
        assertThat(snapshot.get("n1").requested().milliCpu).isEqualTo(1000);
        assertThat(snapshot.get("n1").allocatable().milliCpu).isEqualTo(8000);
        assertThat(snapshot.get("n2").generation()).as("unchanged nodes are not copied again").isEqualTo(n2Generation);

        // the snapshot is a copy: changing the cache does not change it until the next update
        cache.addPod(pod("q", "1", "n1"));
        assertThat(snapshot.get("n1").pods()).hasSize(1);
        cache.updateSnapshot(snapshot);
        assertThat(snapshot.get("n1").pods()).hasSize(2);
    }

    @Test
    void theSnapshotListsNodesRoundRobinAcrossZones() {
        cache.addNode(TestNodes.node("n1").zone("z1").build());
        cache.addNode(TestNodes.node("n2").zone("z1").build());
        cache.addNode(TestNodes.node("n3").zone("z2").build());
        cache.addNode(TestNodes.node("n4").zone("z2").build());
        cache.addNode(TestNodes.node("n5").zone("z3").build());
        cache.addNode(TestNodes.node("n6").zone("z1").build());
        Snapshot snapshot = new Snapshot();
        cache.updateSnapshot(snapshot);
        assertThat(snapshot.list()).extracting(NodeInfo::name).containsExactly("n1", "n3", "n5", "n2", "n4", "n6");
        // a node changing zone moves in the order
        cache.updateNode(TestNodes.node("n6").zone("z1").build(), TestNodes.node("n6").zone("z3").build());
        cache.updateSnapshot(snapshot);
        assertThat(snapshot.list()).extracting(NodeInfo::name).containsExactly("n1", "n3", "n5", "n2", "n4", "n6");
        cache.removeNode(TestNodes.node("n3").zone("z2").build());
        cache.updateSnapshot(snapshot);
        assertThat(snapshot.list()).extracting(NodeInfo::name).containsExactly("n1", "n4", "n5", "n2", "n6");
    }

    @Test
    void imageSpreadIsCountedAcrossNodes() {
        cache.addNode(TestNodes.node("n1").image(100, "nginx:1.0", "nginx@sha256:abc").build());
        cache.addNode(TestNodes.node("n2").image(100, "nginx:1.0").image(50, "busybox").build());
        Snapshot snapshot = new Snapshot();
        cache.updateSnapshot(snapshot);
        assertThat(snapshot.imageNodeCount("nginx:1.0")).isEqualTo(2);
        assertThat(snapshot.imageNodeCount("busybox:latest")).as("names are normalized").isEqualTo(1);
        cache.removeNode(TestNodes.node("n2").build());
        cache.updateSnapshot(snapshot);
        assertThat(snapshot.imageNodeCount("nginx:1.0")).isEqualTo(1);
        assertThat(snapshot.imageNodeCount("busybox:latest")).isZero();
    }

    @Test
    void theSnapshotTracksNodesWithAffinityPods() {
        cache.addNode(TestNodes.node("n1").build());
        cache.addNode(TestNodes.node("n2").build());
        PodInfo anti = TestPods.pod("anti").node("n1").antiAffinity(TestNodes.HOSTNAME, "app", "web").info();
        PodInfo preferring = TestPods.pod("pref").node("n2").preferredAffinity(10, TestNodes.HOSTNAME, "app", "web").info();
        cache.addPod(anti);
        cache.addPod(preferring);
        Snapshot snapshot = new Snapshot();
        cache.updateSnapshot(snapshot);
        assertThat(snapshot.havePodsWithRequiredAntiAffinityList()).extracting(NodeInfo::name).containsExactly("n1");
        assertThat(snapshot.havePodsWithAffinityList()).extracting(NodeInfo::name).containsExactlyInAnyOrder("n1", "n2");
        cache.removePod(anti);
        cache.updateSnapshot(snapshot);
        assertThat(snapshot.havePodsWithRequiredAntiAffinityList()).isEmpty();
        assertThat(snapshot.havePodsWithAffinityList()).extracting(NodeInfo::name).containsExactly("n2");
    }

    @Test
    void snapshotTellsWhichNodesChangedSinceAnEarlierGeneration() {
        Snapshot snapshot = new Snapshot();
        for (String n : new String[]{"n1", "n2", "n3"}) cache.addNode(TestNodes.node(n).cpu("4").build());
        cache.updateSnapshot(snapshot);
        long g1 = snapshot.generation();
        assertThat(snapshot.changedSince(g1)).isEmpty();
        assertThat(snapshot.changedSince(g1 - 1)).as("before the nodes were added: unknown").isNull();

        cache.addPod(pod("p1", "1", "n2"));
        cache.updateSnapshot(snapshot);
        long g2 = snapshot.generation();
        assertThat(snapshot.changedSince(g1)).containsExactly("n2");

        cache.assumePod(TestPods.pod("p2").cpu("1").info(), "n3");
        cache.updateNode(TestNodes.node("n1").cpu("4").build(), TestNodes.node("n1").cpu("4").label("a", "b").build());
        cache.updateSnapshot(snapshot);
        assertThat(snapshot.changedSince(g1)).containsExactlyInAnyOrder("n1", "n2", "n3");
        assertThat(snapshot.changedSince(g2)).containsExactlyInAnyOrder("n1", "n3");
        assertThat(snapshot.changedSince(snapshot.generation())).isEmpty();

        long g3 = snapshot.generation();
        cache.addNode(TestNodes.node("n4").cpu("4").build());
        cache.updateSnapshot(snapshot);
        assertThat(snapshot.changedSince(g3)).as("a node was added: unknown").isNull();
        assertThat(snapshot.changedSince(snapshot.generation())).isEmpty();
    }

    @Test
    void aSnapshotBuiltDirectlyKnowsNoChanges() {
        Snapshot s = Snapshot.of(java.util.List.of(TestNodes.node("n1").build()), java.util.List.of());
        assertThat(s.changedSince(s.generation())).isNull();
    }
}
