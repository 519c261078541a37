package dev.beluga.scheduler.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beluga.scheduler.framework.Code;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.plugins.noderesources.NodeResourcesBalancedAllocation;
import dev.beluga.scheduler.plugins.noderesources.NodeResourcesFit;
import dev.beluga.scheduler.testing.PluginRunner;
import dev.beluga.scheduler.testing.TestNodes;
import dev.beluga.scheduler.testing.TestPods;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Upstream {@code noderesources.TestEnoughRequests} (node allocatable: 10m cpu, 20 bytes memory, 32 pods, 5
 * example.com/foo), {@code TestLeastAllocatedScoringStrategy}, {@code TestMostAllocatedScoringStrategy} and
 * {@code TestNodeResourcesBalancedAllocation}.
 */
class NodeResourcesFitTest {
    private static final String FOO = "example.com/foo";

    private static TestPods.Builder pod(int milliCpu, int memory) {
        TestPods.Builder b = TestPods.pod("p");
        if (milliCpu > 0) b.cpu(milliCpu + "m");
        if (memory > 0) b.memory(Integer.toString(memory));
        return b;
    }

    private static String m(int milliCpu) {
        return milliCpu + "m";
    }

    /** The node of upstream's fit tests with one pod already using {@code usedCpu}/{@code usedMem}. */
    private static NodeInfo node(int usedCpu, int usedMem, String usedFoo) {
        TestPods.Builder used = pod(usedCpu, usedMem).uid("existing").node("n");
        if (usedFoo != null) used.request(FOO, usedFoo);
        return TestNodes.node("n").cpu("10m").memory("20").pods(32).allocatable(FOO, "5").info(used.info());
    }

    private static Status unschedulable(String... reasons) {
        return Status.of(Code.UNSCHEDULABLE, reasons);
    }

    private static Status unresolvable(String... reasons) {
        return Status.of(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, reasons);
    }

    static Stream<Arguments> fitCases() {
        return Stream.of(
            Arguments.of("no resources requested always fits", pod(0, 0), 10, 20, null, null, Status.SUCCESS),
            Arguments.of("too many resources fails", pod(1, 1), 10, 20, null, null, unschedulable("Insufficient cpu", "Insufficient memory")),
            Arguments.of("too many resources fails due to init container cpu", pod(1, 1).initContainer(m(3), "1"), 8, 19, null, null,
                unschedulable("Insufficient cpu")),
            Arguments.of("too many resources fails due to highest init container cpu",
                pod(1, 1).initContainer(m(3), "1").initContainer(m(2), "1"), 8, 19, null, null, unschedulable("Insufficient cpu")),
            Arguments.of("too many resources fails due to init container memory", pod(1, 1).initContainer(m(1), "3"), 9, 19, null, null,
                unschedulable("Insufficient memory")),
            Arguments.of("too many resources fails due to highest init container memory",
                pod(1, 1).initContainer(m(1), "3").initContainer(m(1), "2"), 9, 19, null, null, unschedulable("Insufficient memory")),
            Arguments.of("init container fits because it's the max, not sum, of containers and init containers",
                pod(1, 1).initContainer(m(1), "1"), 9, 19, null, null, Status.SUCCESS),
            Arguments.of("multiple init containers fit because it's the max, not sum, of containers and init containers",
                pod(1, 1).initContainer(m(1), "1").initContainer(m(1), "1"), 9, 19, null, null, Status.SUCCESS),
            Arguments.of("both resources fit", pod(1, 1), 5, 5, null, null, Status.SUCCESS),
            Arguments.of("one resource memory fits", pod(2, 1), 9, 5, null, null, unschedulable("Insufficient cpu")),
            Arguments.of("one resource cpu fits", pod(1, 2), 5, 19, null, null, unschedulable("Insufficient memory")),
            Arguments.of("equal edge case", pod(5, 1), 5, 19, null, null, Status.SUCCESS),
            Arguments.of("equal edge case for init container", pod(4, 1).initContainer(m(5), "1"), 5, 19, null, null, Status.SUCCESS),
            Arguments.of("a request larger than the whole allocatable is unresolvable", pod(11, 1), 0, 0, null, null,
                unresolvable("Insufficient cpu")),
            Arguments.of("requests of several app containers are summed", pod(3, 1).container(m(3), "1"), 5, 0, null, null,
                unschedulable("Insufficient cpu")),
            Arguments.of("a sidecar is added to the app containers", pod(1, 1).sidecar(m(1), "1"), 8, 18, null, null, Status.SUCCESS),
            Arguments.of("a sidecar runs alongside later init containers", pod(1, 1).sidecar(m(1), "1").initContainer(m(2), "1"), 8, 18, null, null,
                unschedulable("Insufficient cpu")),
            Arguments.of("resources + pod overhead fits", pod(1, 1).overhead(m(3), "13"), 5, 5, null, null, Status.SUCCESS),
            Arguments.of("requests + overhead does not fit for memory", pod(1, 1).overhead(m(1), "15"), 5, 5, null, null,
                unschedulable("Insufficient memory")),
            Arguments.of("extended resource fits", pod(1, 1).request(FOO, "1"), 0, 0, null, null, Status.SUCCESS),
            Arguments.of("extended resource allocatable enforced", pod(1, 1).request(FOO, "4"), 0, 0, "2", null,
                unschedulable("Insufficient " + FOO)),
            Arguments.of("extended resource capacity enforced", pod(1, 1).request(FOO, "10"), 0, 0, null, null,
                unresolvable("Insufficient " + FOO)),
            Arguments.of("extended resource allocatable enforced for multiple containers",
                pod(1, 1).request(FOO, "2").container(null, null), 0, 0, "4", null, unschedulable("Insufficient " + FOO)),
            Arguments.of("extended resource not offered by the node", pod(1, 1).request("example.com/bar", "1"), 0, 0, null, null,
                unresolvable("Insufficient example.com/bar")),
            Arguments.of("skip checking ignored extended resource", pod(1, 1).request("example.com/bar", "1"), 0, 0, null,
                "{\"ignoredResources\": [\"example.com/bar\"]}", Status.SUCCESS),
            Arguments.of("skip checking ignored extended resource via resource groups", pod(1, 1).request("example.com/bar", "1"), 0, 0, null,
                "{\"ignoredResourceGroups\": [\"example.com\"]}", Status.SUCCESS),
            Arguments.of("hugepages are checked", pod(1, 1).request("hugepages-2Mi", "2Mi"), 0, 0, null, null,
                unresolvable("Insufficient hugepages-2Mi")),
            Arguments.of("ephemeral storage is checked", pod(1, 1).request("ephemeral-storage", "1"), 0, 0, null, null,
                unresolvable("Insufficient ephemeral-storage")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fitCases")
    void filter(String name, TestPods.Builder pod, int usedCpu, int usedMem, String usedFoo, String args, Status want) throws Exception {
        NodeResourcesFit pl = new NodeResourcesFit(args == null ? null : new ObjectMapper().readTree(args));
        PluginRunner.FilterRun run = PluginRunner.filter(pl, pod.info(), List.of(node(usedCpu, usedMem, usedFoo)));
        assertThat(run.status("n")).isEqualTo(want);
    }

    @Test
    void tooManyPods() {
        NodeInfo full = TestNodes.node("n").cpu("10m").memory("20").pods(1).info(TestPods.pod("existing").node("n").info());
        PluginRunner.FilterRun run = PluginRunner.filter(new NodeResourcesFit(), pod(1, 1).info(), List.of(full));
        assertThat(run.status("n")).isEqualTo(unschedulable("Too many pods"));
        // "Too many pods" comes first and does not hide the other reasons
        PluginRunner.FilterRun both = PluginRunner.filter(new NodeResourcesFit(), pod(100, 1).info(), List.of(full));
        assertThat(both.status("n")).isEqualTo(unresolvable("Too many pods", "Insufficient cpu"));
    }

    @Test
    void insufficientResourcesAreDescribed() {
        NodeInfo ni = node(8, 19, null);
        List<NodeResourcesFit.InsufficientResource> got = NodeResourcesFit.fits(pod(3, 2).info().requests(), ni, null, null);
        assertThat(got).containsExactly(
            new NodeResourcesFit.InsufficientResource("cpu", "Insufficient cpu", 3, 8, 10, false),
            new NodeResourcesFit.InsufficientResource("memory", "Insufficient memory", 2, 19, 20, false));
    }

    // ---- scoring: upstream's nodes of 4000m / 10000 bytes and 6000m / 10000 bytes ----

    private static List<NodeInfo> nodes(Object... nameCpuMemPods) {
        List<NodeInfo> out = new ArrayList<>();
        for (int i = 0; i < nameCpuMemPods.length; i += 4) {
            String name = (String) nameCpuMemPods[i];
            @SuppressWarnings("unchecked") List<PodInfo> pods = (List<PodInfo>) nameCpuMemPods[i + 3];
            out.add(TestNodes.node(name).cpu((String) nameCpuMemPods[i + 1]).memory((String) nameCpuMemPods[i + 2])
                .info(pods.toArray(PodInfo[]::new)));
        }
        return out;
    }

    private static PodInfo existing(String name, String node, String cpu, String mem) {
        TestPods.Builder b = TestPods.pod(name).node(node);
        if (cpu != null) b.cpu(cpu);
        if (mem != null) b.memory(mem);
        return b.info();
    }

    /** Upstream's cpuAndMemory pod: containers of 1000m/2000 and 2000m/3000. */
    private static TestPods.Builder cpuAndMemory() {
        return TestPods.pod("p").cpu("1000m").memory("2000").container("2000m", "3000");
    }

    static Stream<Arguments> scoreCases() {
        return Stream.of(
            Arguments.of("LeastAllocated: nothing scheduled, resources requested, differently sized nodes", "LeastAllocated", null,
                cpuAndMemory(), nodes("node1", "4000m", "10000", List.of(), "node2", "6000m", "10000", List.of()),
                Map.of("node1", 37L, "node2", 50L)),
            Arguments.of("LeastAllocated: resources requested, pods scheduled with resources", "LeastAllocated", null,
                cpuAndMemory(), nodes("node1", "10000m", "20000", List.of(existing("a", "node1", "3000m", "0")),
                    "node2", "10000m", "50000", List.of(existing("b", "node2", "3000m", "5000"))),
                // node1: cpu (10000-6000)*100/10000=40, memory (20000-5000)*100/20000=75 -> 57
                // node2: cpu 40, memory (50000-10000)*100/50000=80 -> 60
                Map.of("node1", 57L, "node2", 60L)),
            Arguments.of("LeastAllocated: requested exceeds the node's capacity", "LeastAllocated", null,
                TestPods.pod("p").cpu("6000m").memory("5000"), nodes("node1", "4000m", "10000", List.of(), "node2", "6000m", "10000", List.of()),
                Map.of("node1", 25L, "node2", 25L)),
            Arguments.of("LeastAllocated: resource weights", "LeastAllocated", "[{\"name\":\"cpu\",\"weight\":2},{\"name\":\"memory\",\"weight\":1}]",
                cpuAndMemory(), nodes("node1", "4000m", "10000", List.of(), "node2", "6000m", "10000", List.of()),
                // node1: (25*2 + 50) / 3 = 33; node2: (50*2 + 50) / 3 = 50
                Map.of("node1", 33L, "node2", 50L)),
            Arguments.of("LeastAllocated: a best-effort pod counts as 100m cpu and 200Mi memory", "LeastAllocated", null,
                TestPods.pod("p"), nodes("node1", "1000m", "1000Mi", List.of(), "node2", "2000m", "2000Mi", List.of(existing("a", "node2", null, null))),
                // node1: cpu 90, memory 80 -> 85; node2: cpu (2000-200)*100/2000=90, memory (2000-400)*100/2000=80 -> 85
                Map.of("node1", 85L, "node2", 85L)),
            Arguments.of("MostAllocated: nothing scheduled, resources requested, differently sized nodes", "MostAllocated", null,
                cpuAndMemory(), nodes("node1", "4000m", "10000", List.of(), "node2", "6000m", "10000", List.of()),
                Map.of("node1", 62L, "node2", 50L)),
            Arguments.of("MostAllocated: resources requested, pods scheduled with resources", "MostAllocated", null,
                cpuAndMemory(), nodes("node1", "10000m", "20000", List.of(existing("a", "node1", "3000m", "0")),
                    "node2", "10000m", "50000", List.of(existing("b", "node2", "3000m", "5000"))),
                // node1: cpu 60, memory 25 -> 42; node2: cpu 60, memory 20 -> 40
                Map.of("node1", 42L, "node2", 40L)),
            Arguments.of("MostAllocated: requested exceeds the node's capacity is clamped", "MostAllocated", null,
                TestPods.pod("p").cpu("6000m").memory("5000"), nodes("node1", "4000m", "10000", List.of(), "node2", "6000m", "10000", List.of()),
                Map.of("node1", 75L, "node2", 75L)),
            Arguments.of("MostAllocated: extended resource counted only when requested", "MostAllocated",
                "[{\"name\":\"cpu\",\"weight\":1},{\"name\":\"memory\",\"weight\":1},{\"name\":\"example.com/foo\",\"weight\":2}]",
                TestPods.pod("p").cpu("1000m").memory("2000").request(FOO, "2"),
                List.of(TestNodes.node("node1").cpu("4000m").memory("10000").allocatable(FOO, "4").info(),
                    TestNodes.node("node2").cpu("4000m").memory("10000").info()),
                // node1: (25 + 20 + 50*2) / 4 = 36; node2 has no foo: (25 + 20) / 2 = 22
                Map.of("node1", 36L, "node2", 22L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scoreCases")
    void score(String name, String strategy, String resources, TestPods.Builder pod, List<NodeInfo> nodes, Map<String, Long> want) throws Exception {
        JsonNode args = new ObjectMapper().readTree("{\"scoringStrategy\": {\"type\": \"" + strategy + "\""
            + (resources == null ? "" : ", \"resources\": " + resources) + "}}");
        PluginRunner.ScoreRun run = PluginRunner.score(new NodeResourcesFit(args), pod.info(), nodes);
        assertThat(run.scores()).isEqualTo(want);
    }

    @Test
    void leastAllocatedIsTheDefaultStrategy() {
        NodeResourcesFit pl = new NodeResourcesFit();
        assertThat(pl.strategyType()).isEqualTo("LeastAllocated");
        PluginRunner.ScoreRun run = PluginRunner.score(pl, cpuAndMemory().info(),
            nodes("node1", "4000m", "10000", List.of(), "node2", "6000m", "10000", List.of()));
        assertThat(run.scores()).isEqualTo(Map.of("node1", 37L, "node2", 50L));
    }

    @Test
    void unknownStrategyIsRejected() throws Exception {
        JsonNode args = new ObjectMapper().readTree("{\"scoringStrategy\": {\"type\": \"Random\"}}");
        assertThatThrownBy(() -> new NodeResourcesFit(args)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("Unsupported value: \"Random\"");
    }

    @Test
    void requestedToCapacityRatio() throws Exception {
        // shape 0% -> 0, 100% -> 10 (bin packing): the score is the utilization
        JsonNode args = new ObjectMapper().readTree("""
            {"scoringStrategy": {"type": "RequestedToCapacityRatio",
              "requestedToCapacityRatio": {"shape": [{"utilization": 0, "score": 0}, {"utilization": 100, "score": 10}]}}}""");
        PluginRunner.ScoreRun run = PluginRunner.score(new NodeResourcesFit(args), cpuAndMemory().info(),
            nodes("node1", "4000m", "10000", List.of(), "node2", "6000m", "10000", List.of()));
        // node1: cpu 75, memory 50 -> 62.5 -> 63 (rounded); node2: 50, 50 -> 50
        assertThat(run.scores()).isEqualTo(Map.of("node1", 63L, "node2", 50L));
    }

    // ---- BalancedAllocation ----

    static Stream<Arguments> balancedCases() {
        return Stream.of(
            Arguments.of("nothing scheduled, resources requested, differently sized nodes", null, cpuAndMemory(),
                nodes("node1", "4000m", "10000", List.of(), "node2", "6000m", "10000", List.of()),
                // node1: fractions 0.75, 0.5 -> std 0.125 -> 87; node2: 0.5, 0.5 -> 100
                Map.of("node1", 87L, "node2", 100L)),
            Arguments.of("resources requested, pods scheduled with resources", null, cpuAndMemory(),
                nodes("node1", "10000m", "20000", List.of(existing("a", "node1", "1000m", null), existing("b", "node1", "2000m", null)),
                    "node2", "10000m", "50000", List.of(existing("c", "node2", "1000m", "2000"), existing("d", "node2", "2000m", "3000"))),
                // node1: cpu 0.6, memory 0.25 -> std 0.175 -> 82; node2: cpu 0.6, memory 0.2 -> std 0.2 -> 80
                Map.of("node1", 82L, "node2", 80L)),
            Arguments.of("requested resource exceeding allocatable is capped at 1", null, TestPods.pod("p").cpu("6000m").memory("1"),
                nodes("node1", "4000m", "10000", List.of(), "node2", "12000m", "2", List.of()),
                // node1: fractions 1 (capped), 0.0001 -> 50; node2: 0.5, 0.5 -> 100
                Map.of("node1", 50L, "node2", 100L)),
            Arguments.of("three resources use the standard deviation", "{\"resources\": [{\"name\":\"cpu\"},{\"name\":\"memory\"},{\"name\":\"example.com/foo\"}]}",
                TestPods.pod("p").cpu("2000m").memory("5000").request(FOO, "8"),
                List.of(TestNodes.node("node1").cpu("4000m").memory("10000").allocatable(FOO, "10").info()),
                // fractions 0.5, 0.5, 0.8: mean 0.6, std sqrt(0.02) = 0.1414 -> 85
                Map.of("node1", 85L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("balancedCases")
    void balancedAllocation(String name, String args, TestPods.Builder pod, List<NodeInfo> nodes, Map<String, Long> want) throws Exception {
        NodeResourcesBalancedAllocation pl = new NodeResourcesBalancedAllocation(args == null ? null : new ObjectMapper().readTree(args));
        PluginRunner.ScoreRun run = PluginRunner.score(pl, pod.info(), nodes);
        assertThat(run.skipped()).isFalse();
        assertThat(run.scores()).isEqualTo(want);
    }

    @Test
    void balancedAllocationSkipsBestEffortPods() {
        PluginRunner.ScoreRun run = PluginRunner.score(new NodeResourcesBalancedAllocation(), TestPods.pod("p").info(),
            nodes("node1", "4000m", "10000", List.of()));
        assertThat(run.skipped()).isTrue();
    }
}
