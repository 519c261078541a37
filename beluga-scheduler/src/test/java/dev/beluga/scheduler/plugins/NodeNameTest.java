package dev.beluga.scheduler.plugins;

import dev.beluga.scheduler.framework.Code;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.plugins.nodename.NodeName;
import dev.beluga.scheduler.testing.TestNodes;
import dev.beluga.scheduler.testing.TestPods;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Upstream {@code nodename.TestNodeName}. */
class NodeNameTest {
    static Stream<Arguments> cases() {
        return Stream.of(
            Arguments.of("no host specified", TestPods.pod("p").build(), "foo", Status.SUCCESS),
            Arguments.of("host matches", TestPods.pod("p").node("foo").build(), "foo", Status.SUCCESS),
            Arguments.of("host doesn't match", TestPods.pod("p").node("bar").build(), "foo",
                Status.of(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, "node(s) didn't match the requested node name")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void filter(String name, Pod pod, String node, Status want) {
        Status got = new NodeName().filter(new CycleState(), dev.beluga.scheduler.framework.PodInfo.of(pod), TestNodes.node(node).info());
        assertThat(got).isEqualTo(want);
    }
}
