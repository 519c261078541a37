package dev.beluga.scheduler.plugins.defaultpreemption;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.testing.TestPods;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Upstream {@code TestCalculateNumCandidates}, {@code TestPickOneNodeForPreemption} and {@code filterPodsWithPDBViolation}. */
class CandidatesTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "no nodes, 0, 10, 100, 0",
        "nodes*minCandidateNodesPercentage >= minCandidateNodesAbsolute, 100, 50, 10, 50",
        "nodes*minCandidateNodesPercentage < minCandidateNodesAbsolute, 100, 10, 50, 50",
        "nodes*minCandidateNodesPercentage < minCandidateNodesAbsolute and minCandidateNodesAbsolute > numNodes, 10, 10, 50, 10",
        "defaults with 1000 nodes, 1000, 10, 100, 100",
        "defaults with 5000 nodes, 5000, 10, 100, 500",
    })
    void numCandidates(String name, int numNodes, int pct, int abs, int want) throws Exception {
        var args = new ObjectMapper().readTree("{\"minCandidateNodesPercentage\": " + pct + ", \"minCandidateNodesAbsolute\": " + abs + "}");
        assertThat(new DefaultPreemption(args, null).numCandidates(numNodes)).isEqualTo(want);
    }

    private static PodInfo victim(String name, int priority, String start) {
        return TestPods.pod(name).priority(priority).startTime(Instant.parse(start)).info();
    }

    private static Candidate candidate(String node, int pdbViolations, PodInfo... victims) {
        return new Candidate(node, List.of(victims), pdbViolations);
    }

    private static final String T1 = "2024-01-01T00:00:00Z";
    private static final String T2 = "2024-01-02T00:00:00Z";

    @Test
    void pickOneNodeForPreemptionAppliesUpstreamsCriteriaInOrder() {
        // 1. fewest PDB violations
        assertThat(CandidateSelector.pick(List.of(candidate("a", 1, victim("x", 1, T1)), candidate("b", 0, victim("y", 100, T1)))).nodeName())
            .isEqualTo("b");
        // 2. lowest highest-priority victim
        assertThat(CandidateSelector.pick(List.of(candidate("a", 0, victim("x", 10, T1), victim("x2", 1, T1)),
            candidate("b", 0, victim("y", 5, T1), victim("y2", 5, T1), victim("y3", 5, T1)))).nodeName()).isEqualTo("b");
        // 3. smallest sum of priorities
        assertThat(CandidateSelector.pick(List.of(candidate("a", 0, victim("x", 10, T1), victim("x2", 9, T1)),
            candidate("b", 0, victim("y", 10, T1), victim("y2", 1, T1)))).nodeName()).isEqualTo("b");
        // 4. fewest victims: each victim adds priority + 2^31 to the sum, so a victim of priority MIN_VALUE adds 0 and
        //    both sums are equal here
        assertThat(CandidateSelector.pick(List.of(
            candidate("a", 0, victim("x", 10, T1), victim("x2", 0, T1), victim("x3", Integer.MIN_VALUE, T1)),
            candidate("b", 0, victim("y", 10, T1), victim("y2", 0, T1)))).nodeName()).isEqualTo("b");
        // 5. latest start time of the highest-priority victims
        assertThat(CandidateSelector.pick(List.of(candidate("a", 0, victim("x", 10, T1)), candidate("b", 0, victim("y", 10, T2)))).nodeName())
            .isEqualTo("b");
        // otherwise the first candidate
        assertThat(CandidateSelector.pick(List.of(candidate("a", 0, victim("x", 10, T1)), candidate("b", 0, victim("y", 10, T1)))).nodeName())
            .isEqualTo("a");
        assertThat(CandidateSelector.pick(List.of())).isNull();
    }

    private static PodDisruptionBudget pdb(String ns, Map<String, String> selector, int allowed, String... disrupted) {
        var b = new PodDisruptionBudgetBuilder().withNewMetadata().withName("pdb").withNamespace(ns).endMetadata()
            .withNewSpec().withNewSelector().withMatchLabels(selector).endSelector().endSpec()
            .withNewStatus().withDisruptionsAllowed(allowed).endStatus();
        PodDisruptionBudget p = b.build();
        if (disrupted.length > 0) {
            Map<String, String> m = new java.util.HashMap<>();
            for (String d : disrupted) m.put(d, "2024-01-01T00:00:00Z");
            p.getStatus().setDisruptedPods(m);
        }
        return p;
    }

    @Test
    void pdbViolationsAreCountedAgainstTheBudget() {
        List<PodInfo> pods = List.of(
            TestPods.pod("a").label("app", "db").info(),
            TestPods.pod("b").label("app", "db").info(),
            TestPods.pod("c").label("app", "db").info(),
            TestPods.pod("already").label("app", "db").info(),
            TestPods.pod("other-ns").namespace("x").label("app", "db").info(),
            TestPods.pod("unlabelled").info());
        List<PodInfo> violating = new ArrayList<>();
        List<PodInfo> nonViolating = new ArrayList<>();
        DefaultPreemption.splitByPdbViolation(pods, List.of(pdb("default", Map.of("app", "db"), 2, "already")), violating, nonViolating);
        // two disruptions are allowed: a and b use them, c violates; a pod already being disrupted does not count again
        assertThat(violating).extracting(PodInfo::name).containsExactly("c");
        assertThat(nonViolating).extracting(PodInfo::name).containsExactly("a", "b", "already", "other-ns", "unlabelled");
    }

    @Test
    void aPdbWithAnEmptySelectorMatchesNothing() {
        List<PodInfo> violating = new ArrayList<>();
        List<PodInfo> nonViolating = new ArrayList<>();
        DefaultPreemption.splitByPdbViolation(List.of(TestPods.pod("a").label("app", "db").info()),
            List.of(pdb("default", Map.of(), 0)), violating, nonViolating);
        assertThat(violating).isEmpty();
        assertThat(nonViolating).hasSize(1);
    }
}
