package dev.beluga.scheduler.queue;

import dev.beluga.scheduler.Profiles;
import dev.beluga.scheduler.framework.ActionType;
import dev.beluga.scheduler.framework.ClusterEvent;
import dev.beluga.scheduler.framework.EventResource;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.QueuedPodInfo;
import dev.beluga.scheduler.testing.FakeClock;
import dev.beluga.scheduler.testing.TestCluster;
import dev.beluga.scheduler.testing.TestNodes;
import dev.beluga.scheduler.testing.TestPods;
import io.fabric8.kubernetes.api.model.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upstream {@code internal/queue.TestPriorityQueue_*}: priority order, backoff (1 s doubling to 10 s) driven by a
 * fake clock, unschedulable pods moved back only by events their rejecting plugins registered (with queueing hints),
 * events received while a pod is in flight, scheduling gates, and deletions. The profile is the default one.
 */
class SchedulingQueueTest {
    private static final ClusterEvent NODE_LABEL_UPDATE = new ClusterEvent(EventResource.NODE, ActionType.UPDATE_NODE_LABEL, "NodeLabelChange");
    private final TestCluster cluster = new TestCluster();
    private FakeClock clock;
    private SchedulingQueue queue;

    @BeforeEach
    void setUp() {
        clock = cluster.clock;
        queue = new SchedulingQueue(new Profiles(List.of(cluster.framework())), new Nominator(), clock,
            Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(5));
    }

    @AfterEach
    void tearDown() {
        queue.close();
        cluster.close();
    }

    private QueuedPodInfo pop() throws InterruptedException {
        return queue.pop(Duration.ofMillis(100));
    }

    private List<String> popAll() throws InterruptedException {
        List<String> out = new ArrayList<>();
        for (QueuedPodInfo q; (q = pop()) != null; ) {
            out.add(q.podInfo().name());
            queue.done(q.uid());
        }
        return out;
    }

    /** Adds a pod, pops it and hands it back as rejected by these plugins (none: a scheduling error). */
    private QueuedPodInfo failOnce(PodInfo pod, String... rejectors) throws InterruptedException {
        queue.add(pod);
        QueuedPodInfo q = pop();
        assertThat(q.uid()).isEqualTo(pod.uid());
        q.unschedulablePlugins = Set.of(rejectors);
        queue.addUnschedulableIfNotPresent(q);
        return q;
    }

    private static Node node(String name, String cpu) {
        return TestNodes.node(name).cpu(cpu).memory("8Gi").build();
    }

    @Test
    void popsByPriorityThenArrival() throws Exception {
        queue.add(TestPods.pod("low").priority(1).info());
        clock.advanceMillis(1);
        queue.add(TestPods.pod("high").priority(100).info());
        clock.advanceMillis(1);
        queue.add(TestPods.pod("mid1").priority(50).info());
        clock.advanceMillis(1);
        queue.add(TestPods.pod("mid2").priority(50).info());
        queue.add(TestPods.pod("mid3").priority(50).info());
        assertThat(popAll()).containsExactly("high", "mid1", "mid2", "mid3", "low");
    }

    @Test
    void addingAQueuedPodAgainUpdatesIt() throws Exception {
        queue.add(TestPods.pod("p").priority(1).info());
        queue.add(TestPods.pod("q").priority(5).info());
        queue.add(TestPods.pod("p").priority(10).info());
        assertThat(queue.sizes().active()).isEqualTo(2);
        assertThat(popAll()).containsExactly("p", "q");
    }

    @ParameterizedTest(name = "attempts={0} -> {1} ms")
    @CsvSource({"0, 0", "1, 1000", "2, 2000", "3, 4000", "4, 8000", "5, 10000", "6, 10000", "30, 10000"})
    void backoffDoublesFromOneSecondUpToTen(int attempts, long millis) {
        assertThat(queue.backoffDuration(attempts)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void aPodThatFailedWithAnErrorBacksOff() throws Exception {
        PodInfo p = TestPods.pod("p").info();
        failOnce(p);
        assertThat(queue.whereIs(p.uid())).isEqualTo("backoff");
        clock.advanceMillis(999);
        queue.flushBackoffQCompleted();
        assertThat(queue.whereIs(p.uid())).isEqualTo("backoff");
        assertThat(pop()).as("nothing is ready during the backoff").isNull();
        clock.advanceMillis(1);
        queue.flushBackoffQCompleted();
        assertThat(queue.whereIs(p.uid())).isEqualTo("active");

        // second failure: 2 s
        QueuedPodInfo q = pop();
        assertThat(q.attempts).isEqualTo(2);
        queue.addUnschedulableIfNotPresent(q);
        clock.advanceMillis(1999);
        queue.flushBackoffQCompleted();
        assertThat(queue.whereIs(p.uid())).isEqualTo("backoff");
        clock.advanceMillis(1);
        assertThat(pop()).as("pop moves completed backoffs itself").isNotNull();
    }

    @Test
    void unschedulablePodsWaitForAnEventTheirPluginsRegistered() throws Exception {
        PodInfo p = TestPods.pod("p").cpu("2").info();
        failOnce(p, "NodeResourcesFit");
        assertThat(queue.whereIs(p.uid())).isEqualTo("unschedulable");
        clock.advance(Duration.ofMinutes(1));
        queue.moveAllToActiveOrBackoffQueue(NODE_LABEL_UPDATE, null, node("n", "8"));
        assertThat(queue.whereIs(p.uid())).as("a label change cannot give more resources").isEqualTo("unschedulable");
        queue.moveAllToActiveOrBackoffQueue(ClusterEvent.ASSIGNED_POD_DELETE, TestPods.pod("gone").node("n").build(), null);
        assertThat(queue.whereIs(p.uid())).isEqualTo("active");
    }

    @Test
    void aPodMovedByAnEventStillServesItsBackoff() throws Exception {
        PodInfo p = TestPods.pod("p").cpu("2").info();
        failOnce(p, "NodeResourcesFit");
        clock.advanceMillis(500);
        queue.moveAllToActiveOrBackoffQueue(ClusterEvent.ASSIGNED_POD_DELETE, null, null);
        assertThat(queue.whereIs(p.uid())).isEqualTo("backoff");
        clock.advanceMillis(500);
        queue.flushBackoffQCompleted();
        assertThat(queue.whereIs(p.uid())).isEqualTo("active");
    }

    @Test
    void queueingHintsFilterNodeAdditions() throws Exception {
        PodInfo p = TestPods.pod("p").cpu("2").info();
        failOnce(p, "NodeResourcesFit");
        clock.advance(Duration.ofSeconds(10));
        queue.moveAllToActiveOrBackoffQueue(ClusterEvent.NODE_ADD, null, node("small", "1"));
        assertThat(queue.whereIs(p.uid())).as("the new node is too small").isEqualTo("unschedulable");
        queue.moveAllToActiveOrBackoffQueue(ClusterEvent.NODE_ADD, null, node("big", "4"));
        assertThat(queue.whereIs(p.uid())).isEqualTo("active");
    }

    @Test
    void taintTolerationRequeuesOnlyForNodesThePodTolerates() throws Exception {
        PodInfo p = TestPods.pod("p").info();
        failOnce(p, "TaintToleration");
        clock.advance(Duration.ofSeconds(10));
        queue.moveAllToActiveOrBackoffQueue(ClusterEvent.NODE_ADD, null,
            TestNodes.node("tainted").taint("k", "v", "NoSchedule").build());
        assertThat(queue.whereIs(p.uid())).isEqualTo("unschedulable");
        queue.moveAllToActiveOrBackoffQueue(NODE_LABEL_UPDATE, null, TestNodes.node("labelled").build());
        assertThat(queue.whereIs(p.uid())).isEqualTo("unschedulable");
        queue.moveAllToActiveOrBackoffQueue(ClusterEvent.NODE_ADD, null, TestNodes.node("clean").build());
        assertThat(queue.whereIs(p.uid())).isEqualTo("active");
    }

    @Test
    void eventsOfOtherPluginsDoNotMoveThePod() throws Exception {
        PodInfo p = TestPods.pod("p").nodeSelector("disk", "ssd").info();
        failOnce(p, "NodeAffinity");
        clock.advance(Duration.ofSeconds(10));
        queue.moveAllToActiveOrBackoffQueue(ClusterEvent.ASSIGNED_POD_DELETE, null, null);
        queue.moveAllToActiveOrBackoffQueue(ClusterEvent.NODE_ADD, null, TestNodes.node("hdd").label("disk", "hdd").build());
        assertThat(queue.whereIs(p.uid())).isEqualTo("unschedulable");
        queue.moveAllToActiveOrBackoffQueue(NODE_LABEL_UPDATE, null, TestNodes.node("hdd").label("disk", "ssd").build());
        assertThat(queue.whereIs(p.uid())).isEqualTo("active");
    }

    @Test
    void aWildcardEventMovesEveryUnschedulablePod() throws Exception {
        PodInfo p = TestPods.pod("p").nodeSelector("disk", "ssd").info();
        failOnce(p, "NodeAffinity");
        clock.advance(Duration.ofSeconds(10));
        queue.moveAllToActiveOrBackoffQueue(ClusterEvent.FORCE_ACTIVATE, null, null);
        assertThat(queue.whereIs(p.uid())).isEqualTo("active");
    }

    @Test
    void unschedulablePodsAreRetriedAfterFiveMinutesWithoutEvents() throws Exception {
        PodInfo p = TestPods.pod("p").nodeSelector("disk", "ssd").info();
        failOnce(p, "NodeAffinity");
        clock.advance(Duration.ofMinutes(5));
        queue.flushUnschedulablePodsLeftover();
        assertThat(queue.whereIs(p.uid())).isEqualTo("unschedulable");
        clock.advanceMillis(1);
        queue.flushUnschedulablePodsLeftover();
        assertThat(queue.whereIs(p.uid())).isEqualTo("active");
    }

    @Test
    void aRelevantEventWhileThePodIsInFlightRequeuesItAtOnce() throws Exception {
        PodInfo p = TestPods.pod("p").cpu("2").info();
        queue.add(p);
        QueuedPodInfo q = pop();
        assertThat(queue.whereIs(p.uid())).isEqualTo("inflight");
        queue.moveAllToActiveOrBackoffQueue(ClusterEvent.ASSIGNED_POD_DELETE, null, null);
        q.unschedulablePlugins = Set.of("NodeResourcesFit");
        queue.addUnschedulableIfNotPresent(q);
        assertThat(queue.whereIs(p.uid())).isEqualTo("backoff");
    }

    @Test
    void anIrrelevantEventWhileThePodIsInFlightDoesNot() throws Exception {
        PodInfo p = TestPods.pod("p").cpu("2").info();
        queue.add(p);
        QueuedPodInfo q = pop();
        queue.moveAllToActiveOrBackoffQueue(NODE_LABEL_UPDATE, null, node("n", "8"));
        q.unschedulablePlugins = Set.of("NodeResourcesFit");
        queue.addUnschedulableIfNotPresent(q);
        assertThat(queue.whereIs(p.uid())).isEqualTo("unschedulable");
    }

    @Test
    void deletedPodsLeaveEveryPartOfTheQueue() throws Exception {
        PodInfo backoff = TestPods.pod("backoff").info();
        failOnce(backoff);
        PodInfo unschedulable = TestPods.pod("unschedulable").info();
        failOnce(unschedulable, "NodeResourcesFit");
        PodInfo active = TestPods.pod("active").info();
        queue.add(active);
        assertThat(queue.sizes()).isEqualTo(new SchedulingQueue.Sizes(1, 1, 1, 0));

        queue.delete(active);
        queue.delete(backoff);
        queue.delete(unschedulable);
        assertThat(queue.sizes()).isEqualTo(new SchedulingQueue.Sizes(0, 0, 0, 0));
        assertThat(queue.whereIs(unschedulable.uid())).isNull();
        clock.advance(Duration.ofMinutes(10));
        queue.moveAllToActiveOrBackoffQueue(ClusterEvent.FORCE_ACTIVATE, null, null);
        queue.flushUnschedulablePodsLeftover();
        assertThat(pop()).isNull();
    }

    @Test
    void aPodDeletedWhileInFlightIsNotHandedBack() throws Exception {
        PodInfo p = TestPods.pod("p").info();
        queue.add(p);
        QueuedPodInfo q = pop();
        queue.delete(p);
        queue.addUnschedulableIfNotPresent(q);
        assertThat(queue.whereIs(p.uid())).isNull();
        assertThat(queue.pendingPods()).isEmpty();
    }

    @Test
    void deletingAPodDropsItsNomination() {
        PodInfo p = TestPods.pod("p").nominatedNode("n1").info();
        queue.add(p);
        assertThat(queue.nominator().nominatedNodeFor(p.uid())).isEqualTo("n1");
        queue.delete(p);
        assertThat(queue.nominator().nominatedNodeFor(p.uid())).isNull();
        assertThat(queue.nominator().nominatedPodsForNode("n1")).isEmpty();
    }

    @Test
    void gatedPodsWaitUntilTheirGatesAreRemoved() throws Exception {
        PodInfo gated = TestPods.pod("p").schedulingGate("example.com/wait").info();
        queue.add(gated);
        assertThat(queue.whereIs(gated.uid())).isEqualTo("gated");
        assertThat(queue.sizes()).isEqualTo(new SchedulingQueue.Sizes(0, 0, 0, 1));
        queue.moveAllToActiveOrBackoffQueue(ClusterEvent.NODE_ADD, null, node("n", "8"));
        assertThat(queue.whereIs(gated.uid())).isEqualTo("gated");
        PodInfo released = TestPods.pod("p").info();
        queue.update(gated, released);
        assertThat(queue.whereIs(gated.uid())).isEqualTo("active");
        assertThat(pop().podInfo()).isSameAs(released);
    }

    @Test
    void updatingAnUnschedulablePodsTolerationsRequeuesIt() throws Exception {
        PodInfo p = TestPods.pod("p").info();
        failOnce(p, "TaintToleration");
        clock.advance(Duration.ofSeconds(10));
        PodInfo relabelled = TestPods.pod("p").label("a", "b").info();
        queue.update(p, relabelled);
        assertThat(queue.whereIs(p.uid())).as("a label change does not help TaintToleration").isEqualTo("unschedulable");
        PodInfo tolerating = TestPods.pod("p").label("a", "b").tolerate("k", "v", "NoSchedule").info();
        queue.update(relabelled, tolerating);
        assertThat(queue.whereIs(p.uid())).isEqualTo("active");
        assertThat(pop().podInfo()).isSameAs(tolerating);
    }

    @Test
    void closingTheQueueReleasesPop() throws Exception {
        queue.close();
        assertThat(queue.pop()).isNull();
    }
}
