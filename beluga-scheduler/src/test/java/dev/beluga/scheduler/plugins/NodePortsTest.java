package dev.beluga.scheduler.plugins;

import dev.beluga.scheduler.framework.Code;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.plugins.nodeports.NodePorts;
import dev.beluga.scheduler.testing.PluginRunner;
import dev.beluga.scheduler.testing.TestNodes;
import dev.beluga.scheduler.testing.TestPods;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Upstream {@code nodeports.TestNodePorts}: ports given as {@code protocol/ip/port}. */
class NodePortsTest {
    private static final Status REJECT = Status.of(Code.UNSCHEDULABLE, "node(s) didn't have free ports for the requested pod ports");

    private static TestPods.Builder pod(String name, String... ports) {
        TestPods.Builder b = TestPods.pod(name);
        for (String p : ports) {
            String[] parts = p.split("/");
            b.hostPort(parts[1], parts[0], Integer.parseInt(parts[2]));
        }
        return b;
    }

    static Stream<Arguments> cases() {
        return Stream.of(
            Arguments.of("nothing running", pod("p"), List.of(), Status.SUCCESS),
            Arguments.of("other port", pod("p", "UDP/127.0.0.1/8080"), List.of("UDP/127.0.0.1/9090"), Status.SUCCESS),
            Arguments.of("same udp port", pod("p", "UDP/127.0.0.1/8080"), List.of("UDP/127.0.0.1/8080"), REJECT),
            Arguments.of("same tcp port", pod("p", "TCP/127.0.0.1/8080"), List.of("TCP/127.0.0.1/8080"), REJECT),
            Arguments.of("different host ip", pod("p", "TCP/127.0.0.1/8080"), List.of("TCP/127.0.0.2/8080"), Status.SUCCESS),
            Arguments.of("different protocol", pod("p", "UDP/127.0.0.1/8080"), List.of("TCP/127.0.0.1/8080"), Status.SUCCESS),
            Arguments.of("second udp port conflict", pod("p", "UDP/127.0.0.1/8000", "UDP/127.0.0.1/8080"), List.of("UDP/127.0.0.1/8080"), REJECT),
            Arguments.of("first tcp port conflict", pod("p", "TCP/127.0.0.1/8001", "UDP/127.0.0.1/8080"),
                List.of("TCP/127.0.0.1/8001", "UDP/127.0.0.1/8081"), REJECT),
            Arguments.of("first tcp port conflict due to 0.0.0.0 hostIP", pod("p", "TCP/0.0.0.0/8001"), List.of("TCP/127.0.0.1/8001"), REJECT),
            Arguments.of("TCP hostPort conflict due to 0.0.0.0 hostIP", pod("p", "TCP/10.0.10.10/8001", "TCP/0.0.0.0/8001"),
                List.of("TCP/127.0.0.1/8001"), REJECT),
            Arguments.of("second tcp port conflict to 0.0.0.0 hostIP", pod("p", "TCP/127.0.0.1/8001"), List.of("TCP/0.0.0.0/8001"), REJECT),
            Arguments.of("second different protocol", pod("p", "UDP/127.0.0.1/8001"), List.of("TCP/0.0.0.0/8001"), Status.SUCCESS),
            Arguments.of("UDP hostPort conflict due to 0.0.0.0 hostIP", pod("p", "UDP/127.0.0.1/8001"),
                List.of("TCP/0.0.0.0/8001", "UDP/0.0.0.0/8001"), REJECT),
            Arguments.of("unset ip and protocol mean 0.0.0.0 and TCP", TestPods.pod("p").hostPort(8080), List.of("TCP/127.0.0.1/8080"), REJECT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void filter(String name, TestPods.Builder pod, List<String> existingPorts, Status want) {
        NodeInfo ni = TestNodes.node("n").info(pod("existing", existingPorts.toArray(String[]::new)).node("n").info());
        PluginRunner.FilterRun run = PluginRunner.filter(new NodePorts(), pod.info(), List.of(ni));
        assertThat(run.status("n")).isEqualTo(want);
    }

    @Test
    void podWithoutHostPortsIsSkippedAtPreFilter() {
        PluginRunner.FilterRun run = PluginRunner.filter(new NodePorts(), TestPods.pod("p").info(), List.of(TestNodes.node("n").info()));
        assertThat(run.preFilter().status().isSkip()).isTrue();
    }

    @Test
    void portsAreFreedWhenThePodLeavesTheNode() {
        PodInfo existing = TestPods.pod("existing").hostPort(80).node("n").info();
        NodeInfo ni = TestNodes.node("n").info(existing);
        PodInfo incoming = TestPods.pod("p").hostPort(80).info();
        assertThat(PluginRunner.filter(new NodePorts(), incoming, List.of(ni)).status("n")).isEqualTo(REJECT);
        ni.removePod(existing);
        assertThat(PluginRunner.filter(new NodePorts(), incoming, List.of(ni)).status("n")).isEqualTo(Status.SUCCESS);
    }

    @Test
    void sidecarHostPortsCountButClassicInitContainersDoNot() {
        var sidecarPod = TestPods.pod("existing").node("n").build();
        var sidecar = new io.fabric8.kubernetes.api.model.Container();
        sidecar.setName("proxy");
        sidecar.setRestartPolicy("Always");
        var port = new io.fabric8.kubernetes.api.model.ContainerPort();
        port.setContainerPort(15000);
        port.setHostPort(15000);
        sidecar.setPorts(List.of(port));
        var init = new io.fabric8.kubernetes.api.model.Container();
        init.setName("setup");
        var initPort = new io.fabric8.kubernetes.api.model.ContainerPort();
        initPort.setContainerPort(16000);
        initPort.setHostPort(16000);
        init.setPorts(List.of(initPort));
        sidecarPod.getSpec().setInitContainers(List.of(sidecar, init));
        NodeInfo ni = TestNodes.node("n").info(PodInfo.of(sidecarPod));
        assertThat(PluginRunner.filter(new NodePorts(), TestPods.pod("a").hostPort(15000).info(), List.of(ni)).status("n")).isEqualTo(REJECT);
        assertThat(PluginRunner.filter(new NodePorts(), TestPods.pod("b").hostPort(16000).info(), List.of(ni)).status("n")).isEqualTo(Status.SUCCESS);
    }
}
