package dev.beluga.scheduler.framework;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Upstream {@code framework.TestFitError_Error}. */
class FitErrorMessageTest {
    @Test
    void nodesAbsentFromTheMapGetTheAbsentStatusReasons() {
        NodeToStatus m = new NodeToStatus(Map.of("n1", Status.unschedulable("Insufficient cpu")));
        m.setAbsentNodesStatus(Status.unresolvable("node(s) didn't satisfy plugin(s) [NodeAffinity]"));
        assertThat(FitErrorMessage.of(3, null, m, null))
            .isEqualTo("0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].");
    }

    @Test
    void theDefaultAbsentStatusHasNoReason() {
        NodeToStatus m = new NodeToStatus(Map.of("n1", Status.unschedulable("Insufficient cpu")));
        assertThat(FitErrorMessage.of(3, null, m, null)).isEqualTo("0/3 nodes are available: 1 Insufficient cpu.");
    }

    @Test
    void reasonsOfOneNodeAreCountedSeparatelyAndSortedAsStrings() {
        NodeToStatus m = new NodeToStatus(Map.of(
            "n1", Status.unschedulable("Insufficient memory", "Insufficient cpu"),
            "n2", Status.unschedulable("Insufficient cpu"),
            "n3", Status.unresolvable("node(s) had untolerated taint {a: b}")));
        assertThat(FitErrorMessage.of(12, null, m, null))
            .isEqualTo("0/12 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {a: b}, 2 Insufficient cpu.");
    }

    /** Since 1.30 upstream appends the PostFilter message as is (it brings its own period; kubernetes#123301). */
    @Test
    void preFilterMessageReplacesTheHistogramAndPostFilterIsAppended() {
        NodeToStatus m = new NodeToStatus();
        m.setAbsentNodesStatus(Status.unresolvable("pod affinity terms conflict"));
        assertThat(FitErrorMessage.of(2, "pod affinity terms conflict", m, "preemption: not eligible due to preemptionPolicy=Never."))
            .isEqualTo("0/2 nodes are available: pod affinity terms conflict. preemption: not eligible due to preemptionPolicy=Never.");
    }

    @Test
    void postFilterMessageAfterTheHistogram() {
        NodeToStatus m = new NodeToStatus(Map.of("n1", Status.unschedulable("Insufficient cpu")));
        assertThat(FitErrorMessage.of(1, null, m, "preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."))
            .isEqualTo("0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.");
    }

    @Test
    void noReasonsAtAll() {
        assertThat(FitErrorMessage.of(0, null, new NodeToStatus(), null)).isEqualTo("0/0 nodes are available:");
    }
}
