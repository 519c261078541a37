package dev.beluga.scheduler.plugins;

import dev.beluga.scheduler.framework.Code;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.PostFilterResult;
import dev.beluga.scheduler.testing.TestCluster;
import dev.beluga.scheduler.testing.TestNodes;
import dev.beluga.scheduler.testing.TestPods;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upstream {@code defaultpreemption.TestPostFilter}, {@code TestSelectBestCandidate} and {@code TestDryRunPreemption}:
 * the whole default profile runs (PreFilter, Filter with nominated pods, PostFilter), on nodes of 1 cpu.
 */
class DefaultPreemptionTest {
    private final TestCluster cluster = new TestCluster();

    @AfterEach
    void close() {
        cluster.close();
    }

    private static Node node(String name) {
        return TestNodes.node(name).cpu("1").memory("4Gi").hostnameLabel().build();
    }

    private static TestPods.Builder pod(String name, int priority, String cpu) {
        return TestPods.pod(name).priority(priority).cpu(cpu);
    }

    private static TestPods.Builder running(String name, String node, int priority, String cpu) {
        return pod(name, priority, cpu).node(node).startTime(Instant.parse("2024-01-01T00:00:00Z"));
    }

    private static PodDisruptionBudget pdb(String app, int disruptionsAllowed) {
        return new PodDisruptionBudgetBuilder().withNewMetadata().withName("pdb-" + app).withNamespace("default").endMetadata()
            .withNewSpec().withNewSelector().addToMatchLabels("app", app).endSelector().endSpec()
            .withNewStatus().withDisruptionsAllowed(disruptionsAllowed).endStatus().build();
    }

    @Test
    void picksTheNodeWhoseVictimsHaveTheLowestPriority() {
        cluster.nodes(node("n1"), node("n2"), node("n3"))
            .pods(running("p1", "n1", 30, "1").build(), running("p2", "n2", 10, "1").build(), running("p3", "n3", 20, "1").build());
        TestCluster.PreemptionRun run = cluster.preempt(pod("preemptor", 100, "1").build());
        assertThat(run.result().status().isSuccess()).isTrue();
        assertThat(run.result().nominatedNodeName()).isEqualTo("n2");
        assertThat(cluster.deletedVictims).containsExactly("p2");
    }

    @Test
    void picksTheNodeWithTheSmallestSumOfVictimPriorities() {
        // same highest victim priority (10) everywhere; n2 needs one victim, n1 two
        cluster.nodes(node("n1"), node("n2"))
            .pods(running("a1", "n1", 10, "500m").build(), running("a2", "n1", 10, "500m").build(), running("b1", "n2", 10, "1").build());
        TestCluster.PreemptionRun run = cluster.preempt(pod("preemptor", 100, "1").build());
        assertThat(run.result().nominatedNodeName()).isEqualTo("n2");
        assertThat(cluster.deletedVictims).containsExactly("b1");
    }

    @Test
    void reprievesTheMostImportantPodsAndEvictsOnlyWhatIsNeeded() {
        cluster.nodes(node("n1"))
            .pods(running("low", "n1", 10, "400m").build(), running("mid", "n1", 20, "400m").build(), running("high", "n1", 30, "200m").build());
        TestCluster.PreemptionRun run = cluster.preempt(pod("preemptor", 100, "400m").build());
        assertThat(run.result().nominatedNodeName()).isEqualTo("n1");
        assertThat(cluster.deletedVictims).containsExactly("low");
    }

    @Test
    void podsOfEqualOrHigherPriorityAreNeverVictims() throws Exception {
        cluster.nodes(node("n1")).pods(running("same", "n1", 100, "1").build());
        TestCluster.PreemptionRun run = cluster.preempt(pod("preemptor", 100, "1").build());
        assertThat(run.result().status().code()).isEqualTo(Code.UNSCHEDULABLE);
        assertThat(run.result().status().message())
            .isEqualTo("preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.");
        assertThat(run.result().nominatedNodeName()).as("the nomination is cleared").isEmpty();
        assertThat(cluster.deletedVictims).isEmpty();
    }

    @Test
    void nodesRejectedAsUnresolvableAreNotTried() {
        cluster.nodes(TestNodes.node("n1").cpu("1").memory("4Gi").taint("k", "v", "NoSchedule").build(), node("n2"))
            .pods(running("victim1", "n1", 1, "1").build(), running("keeper", "n2", 1000, "1").build());
        TestCluster.PreemptionRun run = cluster.preempt(pod("preemptor", 100, "1").build());
        assertThat(run.result().status().message()).isEqualTo(
            "preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.");
        assertThat(cluster.deletedVictims).isEmpty();
    }

    @Test
    void preemptionPolicyNeverDoesNotPreempt() {
        cluster.nodes(node("n1")).pods(running("low", "n1", 1, "1").build());
        TestCluster.PreemptionRun run = cluster.preempt(pod("preemptor", 100, "1").preemptionPolicy("Never").build());
        assertThat(run.result().status().code()).isEqualTo(Code.UNSCHEDULABLE);
        assertThat(run.result().status().message()).isEqualTo("preemption: not eligible due to preemptionPolicy=Never.");
        assertThat(run.result().nominatedNodeName()).isNull();
        assertThat(cluster.deletedVictims).isEmpty();
    }

    @Test
    void aTerminatingLowerPriorityPodOnTheNominatedNodeMeansWaiting() {
        cluster.nodes(node("n1"), node("n2"))
            .pods(running("leaving", "n1", 1, "1").terminating().build(), running("low", "n2", 1, "1").build());
        TestCluster.PreemptionRun run = cluster.preempt(pod("preemptor", 100, "1").nominatedNode("n1").build());
        assertThat(run.result().status().message()).isEqualTo("preemption: not eligible due to a terminating pod on the nominated node.");
        assertThat(cluster.deletedVictims).isEmpty();
    }

    @Test
    void fewerPdbViolationsWin() {
        cluster.pdbs.add(pdb("db", 0));
        cluster.nodes(node("n1"), node("n2"))
            .pods(running("protected", "n1", 10, "1").label("app", "db").build(), running("free", "n2", 10, "1").label("app", "web").build());
        TestCluster.PreemptionRun run = cluster.preempt(pod("preemptor", 100, "1").build());
        assertThat(run.result().nominatedNodeName()).isEqualTo("n2");
        assertThat(cluster.deletedVictims).containsExactly("free");
    }

    @Test
    void pdbProtectedPodsAreReprievedFirst() {
        // without the PDB "mid" (priority 10) would be reprieved and "low" (5) evicted
        cluster.pdbs.add(pdb("db", 0));
        cluster.nodes(node("n1"))
            .pods(running("low", "n1", 5, "500m").label("app", "db").build(), running("mid", "n1", 10, "500m").label("app", "web").build());
        TestCluster.PreemptionRun run = cluster.preempt(pod("preemptor", 100, "500m").build());
        assertThat(run.result().nominatedNodeName()).isEqualTo("n1");
        assertThat(cluster.deletedVictims).containsExactly("mid");
    }

    @Test
    void withoutPdbsTheLeastImportantPodIsEvicted() {
        cluster.nodes(node("n1"))
            .pods(running("low", "n1", 5, "500m").label("app", "db").build(), running("mid", "n1", 10, "500m").label("app", "web").build());
        cluster.preempt(pod("preemptor", 100, "500m").build());
        assertThat(cluster.deletedVictims).containsExactly("low");
    }

    @Test
    void aPdbWithDisruptionsLeftDoesNotProtect() {
        cluster.pdbs.add(pdb("db", 1));
        cluster.nodes(node("n1"), node("n2"))
            .pods(running("db1", "n1", 10, "1").label("app", "db").build(), running("web", "n2", 20, "1").label("app", "web").build());
        TestCluster.PreemptionRun run = cluster.preempt(pod("preemptor", 100, "1").build());
        assertThat(run.result().nominatedNodeName()).isEqualTo("n1");
        assertThat(cluster.deletedVictims).containsExactly("db1");
    }

    @Test
    void tiesGoToTheNodeWhoseVictimsStartedLatest() {
        cluster.nodes(node("n1"), node("n2"))
            .pods(pod("old", 10, "1").node("n1").startTime(Instant.parse("2020-01-01T00:00:00Z")).build(),
                pod("young", 10, "1").node("n2").startTime(Instant.parse("2024-06-01T00:00:00Z")).build());
        TestCluster.PreemptionRun run = cluster.preempt(pod("preemptor", 100, "1").build());
        assertThat(run.result().nominatedNodeName()).isEqualTo("n2");
        assertThat(cluster.deletedVictims).containsExactly("young");
    }

    @Test
    void evictingAPodTheIncomingPodHasAntiAffinityToMakesItFit() {
        cluster.nodes(node("n1"))
            .pods(running("web", "n1", 10, "100m").label("app", "web").build());
        TestCluster.PreemptionRun run = cluster.preempt(pod("preemptor", 100, "100m").antiAffinity(TestNodes.HOSTNAME, "app", "web").build());
        assertThat(run.filterStatuses().get("n1").reasons()).containsExactly("node(s) didn't match pod anti-affinity rules");
        assertThat(run.result().nominatedNodeName()).isEqualTo("n1");
        assertThat(cluster.deletedVictims).containsExactly("web");
    }

    @Test
    void lowerPriorityPodsNominatedToTheChosenNodeLoseTheirNomination() {
        cluster.nodes(node("n1")).pods(running("victim", "n1", 10, "1").build());
        PodInfo nominatedLow = PodInfo.of(pod("waiting", 50, "1").nominatedNode("n1").build());
        cluster.nominator.addNominatedPod(nominatedLow, "n1");
        PostFilterResult r = cluster.preempt(pod("preemptor", 100, "1").build()).result();
        assertThat(r.nominatedNodeName()).isEqualTo("n1");
        assertThat(cluster.nominator.nominatedNodeFor(nominatedLow.uid())).isNull();
        assertThat(cluster.statusUpdates).containsExactly("waiting nominated=");
    }

    @Test
    void higherPriorityNominatedPodsKeepTheirRoomDuringTheDryRun() {
        // n1's victim would make room, but a higher-priority pod is nominated there; n2 needs a victim too
        cluster.nodes(node("n1"), node("n2"))
            .pods(running("v1", "n1", 10, "1").build(), running("v2", "n2", 20, "1").build());
        cluster.nominator.addNominatedPod(PodInfo.of(pod("important", 200, "1").nominatedNode("n1").build()), "n1");
        PostFilterResult r = cluster.preempt(pod("preemptor", 100, "1").build()).result();
        assertThat(r.nominatedNodeName()).isEqualTo("n2");
        assertThat(cluster.deletedVictims).containsExactly("v2");
    }
}
