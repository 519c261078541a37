package dev.beluga.scheduler.algorithm;

import dev.beluga.scheduler.testing.TestCluster;
import dev.beluga.scheduler.testing.TestNodes;
import dev.beluga.scheduler.testing.TestPods;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.beluga.scheduler.testing.TestPods.req;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The scheduling algorithm with the default profile: the FitError message users see in FailedScheduling events
 * (upstream {@code FitError.Error()} with the Diagnosis, including the preemption PostFilter message), node choice and
 * {@code numFeasibleNodesToFind}.
 */
class SchedulingAlgorithmTest {
    private final TestCluster cluster = new TestCluster();

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    void fitErrorCountsReasonsPerNodeAndAppendsThePreemptionMessage() throws Exception {
        cluster.nodes(
                TestNodes.node("n1").cpu("2").memory("4Gi").build(),
                TestNodes.node("n2").cpu("2").memory("4Gi").build(),
                TestNodes.node("n3").cpu("4").memory("4Gi").taint("key", "value", "NoSchedule").build(),
                TestNodes.node("n4").cpu("4").memory("4Gi").taint("key", "value", "NoSchedule").build(),
                TestNodes.node("n5").cpu("4").memory("4Gi").taint("key", "value", "NoSchedule").build())
            .pods(TestPods.pod("e1").cpu("1").node("n1").build(), TestPods.pod("e2").cpu("1").node("n2").build());
        assertThat(cluster.failureMessage(TestPods.pod("p").cpu("2").build())).isEqualTo(
            "0/5 nodes are available: 2 Insufficient cpu, 3 node(s) had untolerated taint {key: value}. "
                + "preemption: 0/5 nodes are available: 2 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.");
    }

    @Test
    void everyReasonOfANodeIsCountedAndReasonsAreSortedAsStrings() throws Exception {
        cluster.nodes(
            TestNodes.node("n1").cpu("1").memory("1Gi").label("disk", "ssd").build(),
            TestNodes.node("n2").cpu("8").memory("8Gi").label("disk", "hdd").build());
        assertThat(cluster.failureMessage(TestPods.pod("p").cpu("2").memory("2Gi").nodeSelector("disk", "ssd").build())).isEqualTo(
            "0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 node(s) didn't match Pod's node affinity/selector. "
                + "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.");
    }

    @Test
    void aPreFilterRejectionReplacesTheHistogram() throws Exception {
        cluster.nodes(TestNodes.node("n1").build(), TestNodes.node("n2").build(), TestNodes.node("n3").build());
        var conflicting = new io.fabric8.kubernetes.api.model.NodeSelectorTerm();
        conflicting.setMatchFields(new java.util.ArrayList<>(java.util.List.of(req("metadata.name", "In", "n1"), req("metadata.name", "In", "n2"))));
        assertThat(cluster.failureMessage(TestPods.pod("p").nodeAffinityTerm(conflicting).build())).isEqualTo(
            "0/3 nodes are available: pod affinity terms conflict. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
    }

    @Test
    void nodesLeftOutByAPreFilterRestrictionAreReportedWithThePlugin() throws Exception {
        cluster.nodes(TestNodes.node("n1").taint("k", "v", "NoSchedule").build(), TestNodes.node("n2").build(), TestNodes.node("n3").build());
        assertThat(cluster.failureMessage(TestPods.pod("p").nodeAffinityNames("n1").build())).isEqualTo(
            "0/3 nodes are available: 1 node(s) had untolerated taint {k: v}, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. "
                + "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
    }

    @Test
    void aPodThatFitsGetsTheBestScoringNode() throws Exception {
        cluster.nodes(TestNodes.node("busy").cpu("4").memory("8Gi").build(), TestNodes.node("idle").cpu("4").memory("8Gi").build())
            .pods(TestPods.pod("e").cpu("3").memory("6Gi").node("busy").build());
        ScheduleResult r = cluster.schedule(TestPods.pod("p").cpu("500m").memory("1Gi").build());
        assertThat(r).isEqualTo(new ScheduleResult("idle", 2, 2));
    }

    @Test
    void onlyFeasibleNodesAreCounted() throws Exception {
        cluster.nodes(TestNodes.node("small").cpu("1").build(), TestNodes.node("big").cpu("4").build(), TestNodes.node("cordoned").cpu("8").unschedulable().build());
        ScheduleResult r = cluster.schedule(TestPods.pod("p").cpu("2").build());
        assertThat(r).isEqualTo(new ScheduleResult("big", 3, 1));
    }

    @Test
    void theNominatedNodeIsTriedFirst() throws Exception {
        cluster.nodes(TestNodes.node("busy").cpu("4").memory("8Gi").build(), TestNodes.node("idle").cpu("4").memory("8Gi").build())
            .pods(TestPods.pod("e").cpu("3").memory("6Gi").node("busy").build());
        ScheduleResult r = cluster.schedule(TestPods.pod("p").cpu("500m").memory("1Gi").nominatedNode("busy").build());
        assertThat(r).isEqualTo(new ScheduleResult("busy", 1, 1));
    }

    @Test
    void aNominatedNodeThatNoLongerFitsFallsBackToAllNodes() throws Exception {
        cluster.nodes(TestNodes.node("busy").cpu("4").memory("8Gi").build(), TestNodes.node("idle").cpu("4").memory("8Gi").build())
            .pods(TestPods.pod("e").cpu("4").node("busy").build());
        ScheduleResult r = cluster.schedule(TestPods.pod("p").cpu("500m").nominatedNode("busy").build());
        assertThat(r.suggestedHost()).isEqualTo("idle");
    }

    @Test
    void noNodes() {
        assertThatThrownBy(() -> cluster.schedule(TestPods.pod("p").build()))
            .isInstanceOf(NoNodesAvailableException.class).hasMessage("no nodes available to schedule pods");
    }

    @Test
    void theSnapshotFollowsTheCacheBetweenCycles() throws Exception {
        cluster.nodes(TestNodes.node("n1").cpu("1").build());
        assertThat(cluster.schedule(TestPods.pod("p1").cpu("1").build()).suggestedHost()).isEqualTo("n1");
        cluster.cache.assumePod(TestPods.pod("p1").cpu("1").info(), "n1");
        assertThatThrownBy(() -> cluster.schedule(TestPods.pod("p2").cpu("1").build())).isInstanceOf(FitError.class)
            .hasMessageStartingWith("0/1 nodes are available: 1 Insufficient cpu.");
        cluster.nodes(TestNodes.node("n2").cpu("1").build());
        assertThat(cluster.schedule(TestPods.pod("p2").cpu("1").build()).suggestedHost()).isEqualTo("n2");
    }

    /** Upstream {@code TestNumFeasibleNodesToFind}. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "null", value = {
        "not set percentageOfNodesToScore and nodes number not more than 50, null, null, 10, 10",
        "set profile percentageOfNodesToScore and nodes number not more than 50, null, 40, 10, 10",
        "not set percentageOfNodesToScore and nodes number more than 50, null, null, 1000, 420",
        "set profile percentageOfNodesToScore and nodes number more than 50, null, 40, 1000, 400",
        "set global and profile percentageOfNodesToScore and nodes number more than 50, 100, 70, 1000, 700",
        "set global percentageOfNodesToScore and nodes number more than 50, 40, null, 1000, 400",
        "not set profile percentageOfNodesToScore and nodes number more than 50*125, null, null, 6000, 300",
        "set profile percentageOfNodesToScore and nodes number more than 50*125, null, 40, 6000, 2400",
        "never fewer than 100, null, 5, 1000, 100",
    })
    void numFeasibleNodesToFind(String name, Integer global, Integer profile, int numAllNodes, int want) {
        SchedulingAlgorithm a = new SchedulingAlgorithm(cluster.cache, cluster.snapshot, cluster.parallelizer, cluster.nominator, global, new java.util.Random());
        assertThat(a.numFeasibleNodesToFind(profile, numAllNodes)).isEqualTo(want);
    }
}
