package dev.beluga.scheduler.plugins;

import dev.beluga.scheduler.framework.Code;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.plugins.tainttoleration.TaintToleration;
import dev.beluga.scheduler.testing.PluginRunner;
import dev.beluga.scheduler.testing.TestNodes;
import dev.beluga.scheduler.testing.TestPods;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Upstream {@code tainttoleration.TestTaintTolerationFilter} and {@code TestTaintTolerationScore}. */
class TaintTolerationTest {
    private static Status untolerated(String key, String value) {
        return Status.of(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, "node(s) had untolerated taint {" + key + ": " + value + "}");
    }

    static Stream<Arguments> filterCases() {
        return Stream.of(
            Arguments.of("A pod having no tolerations can't be scheduled onto a node with nonempty taints",
                TestPods.pod("p"), TestNodes.node("n").taint("dedicated", "user1", "NoSchedule"), untolerated("dedicated", "user1")),
            Arguments.of("A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule",
                TestPods.pod("p").tolerate("dedicated", "user1", "NoSchedule"),
                TestNodes.node("n").taint("dedicated", "user1", "NoSchedule"), Status.SUCCESS),
            Arguments.of("A pod which can't be scheduled on a dedicated node assigned to user2 with effect NoSchedule",
                TestPods.pod("p").tolerate("dedicated", "user2", "NoSchedule"),
                TestNodes.node("n").taint("dedicated", "user1", "NoSchedule"), untolerated("dedicated", "user1")),
            Arguments.of("A pod can be scheduled onto the node, with a toleration uses operator Exists that tolerates the taints on the node",
                TestPods.pod("p").toleration("foo", "Exists", null, "NoSchedule"),
                TestNodes.node("n").taint("foo", "bar", "NoSchedule"), Status.SUCCESS),
            Arguments.of("A pod has multiple tolerations, node has multiple taints, all the taints are tolerated",
                TestPods.pod("p").tolerate("dedicated", "user2", "NoSchedule").toleration("foo", "Exists", null, "NoSchedule"),
                TestNodes.node("n").taint("dedicated", "user2", "NoSchedule").taint("foo", "bar", "NoSchedule"), Status.SUCCESS),
            Arguments.of("A pod has a toleration that keys and values match the taint on the node, but (non-empty) effect doesn't match",
                TestPods.pod("p").tolerate("foo", "bar", "PreferNoSchedule"),
                TestNodes.node("n").taint("foo", "bar", "NoSchedule"), untolerated("foo", "bar")),
            Arguments.of("The pod has a toleration that keys and values match the taint on the node, the effect of toleration is empty",
                TestPods.pod("p").tolerate("foo", "bar", null),
                TestNodes.node("n").taint("foo", "bar", "NoSchedule"), Status.SUCCESS),
            Arguments.of("The pod has a toleration that key and value don't match the taint, but the taint's effect is PreferNoSchedule",
                TestPods.pod("p").tolerate("dedicated", "user2", "NoSchedule"),
                TestNodes.node("n").taint("dedicated", "user1", "PreferNoSchedule"), Status.SUCCESS),
            Arguments.of("The pod has no toleration, but the effect of taint on node is PreferNoSchedule",
                TestPods.pod("p"), TestNodes.node("n").taint("dedicated", "user1", "PreferNoSchedule"), Status.SUCCESS),
            Arguments.of("An untolerated NoExecute taint rejects the pod",
                TestPods.pod("p").tolerate("foo", "bar", "NoSchedule"),
                TestNodes.node("n").taint("foo", "bar", "NoExecute"), untolerated("foo", "bar")),
            Arguments.of("The first untolerated taint is reported",
                TestPods.pod("p").tolerate("a", "1", "NoSchedule"),
                TestNodes.node("n").taint("a", "1", "NoSchedule").taint("b", "2", "NoSchedule").taint("c", "3", "NoExecute"), untolerated("b", "2")),
            Arguments.of("A taint without value is printed with an empty value",
                TestPods.pod("p"), TestNodes.node("n").taint("node-role.kubernetes.io/control-plane", null, "NoSchedule"),
                untolerated("node-role.kubernetes.io/control-plane", "")),
            Arguments.of("An Equal toleration without value matches a taint without value",
                TestPods.pod("p").toleration("gpu", "Equal", null, "NoSchedule"),
                TestNodes.node("n").taint("gpu", null, "NoSchedule"), Status.SUCCESS),
            Arguments.of("An empty key with Exists tolerates everything",
                TestPods.pod("p").toleration(null, "Exists", null, null),
                TestNodes.node("n").taint("a", "1", "NoSchedule").taint("b", "2", "NoExecute"), Status.SUCCESS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filterCases")
    void filter(String name, TestPods.Builder pod, TestNodes.Builder node, Status want) {
        assertThat(new TaintToleration().filter(new CycleState(), pod.info(), node.info())).isEqualTo(want);
    }

    static Stream<Arguments> scoreCases() {
        return Stream.of(
            Arguments.of("node with taints tolerated by the pod gets a higher score than nodes with intolerable taints",
                TestPods.pod("p").tolerate("foo", "bar", "PreferNoSchedule"),
                List.of(TestNodes.node("nodeA").taint("foo", "bar", "PreferNoSchedule"),
                    TestNodes.node("nodeB").taint("foo", "blah", "PreferNoSchedule")),
                Map.of("nodeA", 100L, "nodeB", 0L)),
            Arguments.of("nodes whose taints are all tolerated get the same score, no matter how many tolerable taints a node has",
                TestPods.pod("p").tolerate("cpu-type", "arm64", "PreferNoSchedule").tolerate("disk-type", "ssd", "PreferNoSchedule"),
                List.of(TestNodes.node("nodeA"),
                    TestNodes.node("nodeB").taint("cpu-type", "arm64", "PreferNoSchedule"),
                    TestNodes.node("nodeC").taint("cpu-type", "arm64", "PreferNoSchedule").taint("disk-type", "ssd", "PreferNoSchedule")),
                Map.of("nodeA", 100L, "nodeB", 100L, "nodeC", 100L)),
            Arguments.of("the more intolerable taints a node has, the lower score it gets",
                TestPods.pod("p").tolerate("foo", "bar", "PreferNoSchedule"),
                List.of(TestNodes.node("nodeA"),
                    TestNodes.node("nodeB").taint("cpu-type", "arm64", "PreferNoSchedule"),
                    TestNodes.node("nodeC").taint("cpu-type", "arm64", "PreferNoSchedule").taint("disk-type", "ssd", "PreferNoSchedule")),
                Map.of("nodeA", 100L, "nodeB", 50L, "nodeC", 0L)),
            Arguments.of("only taints and tolerations that have effect PreferNoSchedule are checked",
                TestPods.pod("p").tolerate("cpu-type", "arm64", "NoSchedule").tolerate("disk-type", "ssd", "NoSchedule"),
                List.of(TestNodes.node("nodeA"),
                    TestNodes.node("nodeB").taint("cpu-type", "arm64", "NoSchedule"),
                    TestNodes.node("nodeC").taint("cpu-type", "arm64", "PreferNoSchedule").taint("disk-type", "ssd", "PreferNoSchedule")),
                Map.of("nodeA", 100L, "nodeB", 100L, "nodeC", 0L)),
            Arguments.of("Default behaviour No taints and tolerations, lands on node with no taints",
                TestPods.pod("p"),
                List.of(TestNodes.node("nodeA"), TestNodes.node("nodeB").taint("cpu-type", "arm64", "PreferNoSchedule")),
                Map.of("nodeA", 100L, "nodeB", 0L)),
            Arguments.of("a toleration with an empty effect also tolerates PreferNoSchedule taints",
                TestPods.pod("p").tolerate("foo", "bar", null),
                List.of(TestNodes.node("nodeA").taint("foo", "bar", "PreferNoSchedule"), TestNodes.node("nodeB").taint("x", "y", "PreferNoSchedule")),
                Map.of("nodeA", 100L, "nodeB", 0L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scoreCases")
    void score(String name, TestPods.Builder pod, List<TestNodes.Builder> nodes, Map<String, Long> want) {
        List<NodeInfo> infos = nodes.stream().map(TestNodes.Builder::info).toList();
        PluginRunner.ScoreRun run = PluginRunner.score(new TaintToleration(), pod.info(), infos);
        assertThat(run.skipped()).isFalse();
        assertThat(run.scores()).isEqualTo(want);
    }
}
