package dev.beluga.scheduler.plugins;

import dev.beluga.scheduler.framework.Code;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.plugins.nodeunschedulable.NodeUnschedulable;
import dev.beluga.scheduler.testing.TestNodes;
import dev.beluga.scheduler.testing.TestPods;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Upstream {@code nodeunschedulable.TestNodeUnschedulable}. */
class NodeUnschedulableTest {
    private static final String KEY = "node.kubernetes.io/unschedulable";
    private static final Status REJECT = Status.of(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, "node(s) were unschedulable");

    static Stream<Arguments> cases() {
        return Stream.of(
            Arguments.of("Does not schedule pod to unschedulable node",
                TestPods.pod("p"), TestNodes.node("n").unschedulable(), REJECT),
            Arguments.of("Schedule pod to normal node",
                TestPods.pod("p"), TestNodes.node("n"), Status.SUCCESS),
            Arguments.of("Schedule pod with toleration to unschedulable node",
                TestPods.pod("p").toleration(KEY, "Exists", null, "NoSchedule"), TestNodes.node("n").unschedulable(), Status.SUCCESS),
            Arguments.of("a toleration of every taint (empty key, Exists) tolerates cordoning",
                TestPods.pod("p").toleration(null, "Exists", null, null), TestNodes.node("n").unschedulable(), Status.SUCCESS),
            Arguments.of("a NoExecute toleration does not tolerate the NoSchedule unschedulable taint",
                TestPods.pod("p").toleration(KEY, "Exists", null, "NoExecute"), TestNodes.node("n").unschedulable(), REJECT),
            Arguments.of("a toleration of another key does not help",
                TestPods.pod("p").toleration("other", "Exists", null, "NoSchedule"), TestNodes.node("n").unschedulable(), REJECT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void filter(String name, TestPods.Builder pod, TestNodes.Builder node, Status want) {
        assertThat(new NodeUnschedulable().filter(new CycleState(), pod.info(), node.info())).isEqualTo(want);
    }

    @Test
    void nodeInfoWithoutNodeObjectIsUnknown() {
        NodeInfo ni = new NodeInfo();
        ni.setName("ghost");
        Status s = new NodeUnschedulable().filter(new CycleState(), PodInfo.of(TestPods.pod("p").build()), ni);
        assertThat(s).isEqualTo(Status.of(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, "node(s) had unknown conditions"));
    }
}
