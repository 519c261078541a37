package dev.beluga.scheduler.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beluga.scheduler.framework.Code;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.PreFilterResult;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.plugins.nodeaffinity.NodeAffinity;
import dev.beluga.scheduler.testing.PluginRunner;
import dev.beluga.scheduler.testing.TestNodes;
import dev.beluga.scheduler.testing.TestPods;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static dev.beluga.scheduler.testing.TestPods.req;
import static org.assertj.core.api.Assertions.assertThat;

/** Upstream {@code nodeaffinity.TestNodeAffinity} and {@code TestNodeAffinityPriority}. */
class NodeAffinityTest {
    private static final Status REJECT = Status.of(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, "node(s) didn't match Pod's node affinity/selector");

    private static NodeSelectorTerm fieldsAndExpressions(List<io.fabric8.kubernetes.api.model.NodeSelectorRequirement> fields,
                                                         List<io.fabric8.kubernetes.api.model.NodeSelectorRequirement> exprs) {
        NodeSelectorTerm t = new NodeSelectorTerm();
        if (!fields.isEmpty()) t.setMatchFields(new ArrayList<>(fields));
        if (!exprs.isEmpty()) t.setMatchExpressions(new ArrayList<>(exprs));
        return t;
    }

    static Stream<Arguments> filterCases() {
        return Stream.of(
            Arguments.of("no selector", TestPods.pod("p"), TestNodes.node("node1"), Status.SUCCESS),
            Arguments.of("missing labels", TestPods.pod("p").nodeSelector("foo", "bar"), TestNodes.node("node1"), REJECT),
            Arguments.of("same labels", TestPods.pod("p").nodeSelector("foo", "bar"), TestNodes.node("node1").label("foo", "bar"), Status.SUCCESS),
            Arguments.of("node labels are superset", TestPods.pod("p").nodeSelector("foo", "bar"),
                TestNodes.node("node1").label("foo", "bar").label("baz", "blah"), Status.SUCCESS),
            Arguments.of("node labels are subset", TestPods.pod("p").nodeSelector("foo", "bar").nodeSelector("baz", "blah"),
                TestNodes.node("node1").label("foo", "bar"), REJECT),
            Arguments.of("Pod with matchExpressions using In operator that matches the existing node",
                TestPods.pod("p").nodeAffinity(req("foo", "In", "bar", "value2")), TestNodes.node("node1").label("foo", "bar"), Status.SUCCESS),
            Arguments.of("Pod with matchExpressions using Gt operator that matches the existing node",
                TestPods.pod("p").nodeAffinity(req("kernel-version", "Gt", "0204")), TestNodes.node("node1").label("kernel-version", "0206"), Status.SUCCESS),
            Arguments.of("Pod with matchExpressions using Lt operator that does not match the existing node",
                TestPods.pod("p").nodeAffinity(req("kernel-version", "Lt", "0204")), TestNodes.node("node1").label("kernel-version", "0206"), REJECT),
            Arguments.of("Pod with matchExpressions using NotIn operator that matches the existing node",
                TestPods.pod("p").nodeAffinity(req("mem-type", "NotIn", "DDR", "DDR2")), TestNodes.node("node1").label("mem-type", "DDR3"), Status.SUCCESS),
            Arguments.of("Pod with matchExpressions using Exists operator that matches the existing node",
                TestPods.pod("p").nodeAffinity(req("GPU", "Exists")), TestNodes.node("node1").label("GPU", "NVIDIA-GRID-K1"), Status.SUCCESS),
            Arguments.of("Pod with matchExpressions using DoesNotExist operator on a node having the label",
                TestPods.pod("p").nodeAffinity(req("GPU", "DoesNotExist")), TestNodes.node("node1").label("GPU", "NVIDIA-GRID-K1"), REJECT),
            Arguments.of("Pod with affinity that don't match node's labels won't schedule onto the node",
                TestPods.pod("p").nodeAffinity(req("foo", "In", "value1", "value2")), TestNodes.node("node1").label("foo", "bar"), REJECT),
            Arguments.of("Pod with a required node affinity without terms won't schedule onto the node",
                TestPods.pod("p").nodeAffinityWithoutTerms(), TestNodes.node("node1").label("foo", "bar"), REJECT),
            Arguments.of("Pod with empty MatchExpressions is not a valid value will match no objects and won't schedule onto the node",
                TestPods.pod("p").nodeAffinityTerm(new NodeSelectorTerm()), TestNodes.node("node1").label("foo", "bar"), REJECT),
            Arguments.of("Pod with multiple matchExpressions ANDed that matches the existing node",
                TestPods.pod("p").nodeAffinity(req("GPU", "Exists"), req("GPU", "NotIn", "AMD", "INTER")),
                TestNodes.node("node1").label("GPU", "NVIDIA-GRID-K1"), Status.SUCCESS),
            Arguments.of("Pod with multiple matchExpressions ANDed that doesn't match the existing node",
                TestPods.pod("p").nodeAffinity(req("GPU", "Exists"), req("GPU", "In", "AMD", "INTER")),
                TestNodes.node("node1").label("GPU", "NVIDIA-GRID-K1"), REJECT),
            Arguments.of("Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels and will schedule onto the node",
                TestPods.pod("p").nodeAffinity(req("foo", "In", "bar", "value2")).nodeAffinity(req("diffkey", "In", "wrong", "value2")),
                TestNodes.node("node1").label("foo", "bar"), Status.SUCCESS),
            Arguments.of("Pod with an Affinity and a PodSpec.NodeSelector both satisfied, will schedule onto the node",
                TestPods.pod("p").nodeSelector("foo", "bar").nodeAffinity(req("foo", "Exists")),
                TestNodes.node("node1").label("foo", "bar"), Status.SUCCESS),
            Arguments.of("Pod with an Affinity matches node's labels but the NodeSelector is not satisfied, won't schedule onto the node",
                TestPods.pod("p").nodeSelector("foo", "bar").nodeAffinity(req("foo", "Exists")),
                TestNodes.node("node1").label("foo", "barrrrrr"), REJECT),
            Arguments.of("Pod with an invalid value in Affinity term won't be scheduled onto the node",
                TestPods.pod("p").nodeAffinity(req("foo", "NotIn", "invalid value: ___@#$%^")),
                TestNodes.node("node1").label("foo", "bar"), REJECT),
            Arguments.of("Pod with matchFields using In operator that matches the existing node",
                TestPods.pod("p").nodeAffinityNames("node1"), TestNodes.node("node1"), Status.SUCCESS),
            Arguments.of("Pod with two terms: matchFields does not match, but matchExpressions matches",
                TestPods.pod("p").nodeAffinityNames("node1").nodeAffinity(req("foo", "In", "bar")),
                TestNodes.node("node2").label("foo", "bar"), Status.SUCCESS),
            Arguments.of("Pod with one term: matchFields does not match, but matchExpressions matches",
                TestPods.pod("p").nodeAffinityTerm(fieldsAndExpressions(List.of(req("metadata.name", "In", "node1")), List.of(req("foo", "In", "bar")))),
                TestNodes.node("node2").label("foo", "bar"), REJECT),
            Arguments.of("Pod with one term: both matchFields and matchExpressions match",
                TestPods.pod("p").nodeAffinityTerm(fieldsAndExpressions(List.of(req("metadata.name", "In", "node1")), List.of(req("foo", "In", "bar")))),
                TestNodes.node("node1").label("foo", "bar"), Status.SUCCESS),
            Arguments.of("Pod with two terms: both matchFields and matchExpressions do not match",
                TestPods.pod("p").nodeAffinityNames("node1").nodeAffinity(req("foo", "In", "not-match-to-bar")),
                TestNodes.node("node2").label("foo", "bar"), REJECT),
            Arguments.of("matchFields NotIn the node's own name rejects it",
                TestPods.pod("p").nodeAffinityTerm(fieldsAndExpressions(List.of(req("metadata.name", "NotIn", "node1")), List.of())),
                TestNodes.node("node1"), REJECT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filterCases")
    void filter(String name, TestPods.Builder pod, TestNodes.Builder node, Status want) {
        // as upstream's test: PreFilter, then Filter on the node even if PreFilter narrowed the nodes elsewhere
        NodeInfo ni = node.info();
        NodeAffinity pl = new NodeAffinity();
        CycleState state = new CycleState();
        PreFilterResult pre = pl.preFilter(state, pod.info(), List.of(ni));
        Status got = pre.status().isSkip() ? Status.SUCCESS : pl.filter(state, pod.info(), ni);
        assertThat(got).isEqualTo(want);
    }

    static Stream<Arguments> preFilterCases() {
        return Stream.of(
            Arguments.of("no constraints: Skip", TestPods.pod("p"), Code.SKIP, null),
            Arguments.of("only a nodeSelector: all nodes", TestPods.pod("p").nodeSelector("a", "b"), Code.SUCCESS, null),
            Arguments.of("a matchFields term pins one node", TestPods.pod("p").nodeAffinityNames("node1"), Code.SUCCESS, Set.of("node1")),
            Arguments.of("two terms of node.Name affinity", TestPods.pod("p").nodeAffinityNames("node1").nodeAffinityNames("node2"),
                Code.SUCCESS, Set.of("node1", "node2")),
            Arguments.of("a term without node name: all nodes", TestPods.pod("p").nodeAffinityNames("node1").nodeAffinity(req("foo", "In", "bar")),
                Code.SUCCESS, null),
            Arguments.of("one term with matchFields and matchExpressions pins its node",
                TestPods.pod("p").nodeAffinityTerm(fieldsAndExpressions(List.of(req("metadata.name", "In", "node1")), List.of(req("foo", "In", "bar")))),
                Code.SUCCESS, Set.of("node1")),
            Arguments.of("two conflicting match field requirements in one term",
                TestPods.pod("p").nodeAffinityTerm(fieldsAndExpressions(List.of(req("metadata.name", "In", "node1"), req("metadata.name", "In", "node2")), List.of())),
                Code.UNSCHEDULABLE_AND_UNRESOLVABLE, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("preFilterCases")
    void preFilter(String name, TestPods.Builder pod, Code code, Set<String> nodes) {
        PreFilterResult r = PluginRunner.filter(new NodeAffinity(), pod.info(), List.of(TestNodes.node("node1").info())).preFilter();
        assertThat(r.status().code()).isEqualTo(code);
        if (code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE) assertThat(r.status().reasons()).containsExactly("pod affinity terms conflict");
        assertThat(r.nodeNames()).isEqualTo(nodes);
    }

    private static JsonNode addedAffinity() throws Exception {
        return new ObjectMapper().readTree("""
            {"addedAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
              {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["foo"]}]}]}}}""");
    }

    @Test
    void addedAffinityIsEnforcedOnTopOfThePodsOwn() throws Exception {
        NodeAffinity pl = new NodeAffinity(addedAffinity());
        NodeInfo matchesBoth = TestNodes.node("both").label("zone", "foo").label("disk", "ssd").info();
        NodeInfo onlyAdded = TestNodes.node("added").label("zone", "foo").info();
        NodeInfo onlyPods = TestNodes.node("pods").label("zone", "bar").label("disk", "ssd").info();
        PluginRunner.FilterRun run = PluginRunner.filter(pl, TestPods.pod("p").nodeSelector("disk", "ssd").info(), List.of(matchesBoth, onlyAdded, onlyPods));
        assertThat(run.status("both")).isEqualTo(Status.SUCCESS);
        assertThat(run.status("added")).isEqualTo(REJECT);
        assertThat(run.status("pods")).isEqualTo(Status.of(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, "node(s) didn't match scheduler-enforced node affinity"));
        // a pod without any constraint is still subject to the added affinity
        PluginRunner.FilterRun plain = PluginRunner.filter(pl, TestPods.pod("q").info(), List.of(onlyAdded, onlyPods));
        assertThat(plain.status("added")).isEqualTo(Status.SUCCESS);
        assertThat(plain.status("pods").code()).isEqualTo(Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
    }

    // ---- score ----

    private static TestPods.Builder affinity1() {
        return TestPods.pod("p").preferredNodeAffinity(2, req("foo", "In", "bar"));
    }

    private static TestPods.Builder affinity2() {
        return TestPods.pod("p")
            .preferredNodeAffinity(2, req("foo", "In", "bar"))
            .preferredNodeAffinity(4, req("key", "In", "value"))
            .preferredNodeAffinity(5, req("foo", "In", "bar"), req("key", "In", "value"), req("az", "In", "az1"));
    }

    static Stream<Arguments> scoreCases() {
        TestNodes.Builder n1 = TestNodes.node("node1").label("foo", "bar");
        TestNodes.Builder n2 = TestNodes.node("node2").label("key", "value");
        TestNodes.Builder n3 = TestNodes.node("node3").label("az", "az1");
        TestNodes.Builder n4 = TestNodes.node("node1").label("abc", "az11").label("def", "az22");
        TestNodes.Builder n5 = TestNodes.node("node5").label("foo", "bar").label("key", "value").label("az", "az1");
        return Stream.of(
            Arguments.of("no node matches preferred scheduling requirements of the pod so all nodes' priority is zero",
                affinity1(), List.of(n4, n2, n3), Map.of("node1", 0L, "node2", 0L, "node3", 0L)),
            Arguments.of("only node1 matches the preferred scheduling requirements of pod",
                affinity1(), List.of(n1, n2, n3), Map.of("node1", 100L, "node2", 0L, "node3", 0L)),
            Arguments.of("all nodes matches the preferred scheduling requirements of pod but with different priorities",
                affinity2(), List.of(n1, n5, n2), Map.of("node1", 18L, "node5", 100L, "node2", 36L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scoreCases")
    void score(String name, TestPods.Builder pod, List<TestNodes.Builder> nodes, Map<String, Long> want) {
        PluginRunner.ScoreRun run = PluginRunner.score(new NodeAffinity(), pod.info(), nodes.stream().map(TestNodes.Builder::info).toList());
        assertThat(run.skipped()).isFalse();
        assertThat(run.scores()).isEqualTo(want);
    }

    @Test
    void podWithoutPreferredTermsIsNotScored() {
        PluginRunner.ScoreRun run = PluginRunner.score(new NodeAffinity(), TestPods.pod("p").nodeSelector("foo", "bar").info(),
            List.of(TestNodes.node("node1").label("foo", "bar").info()));
        assertThat(run.skipped()).isTrue();
    }
}
