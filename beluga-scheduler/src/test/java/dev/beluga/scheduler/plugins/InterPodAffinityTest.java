package dev.beluga.scheduler.plugins;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beluga.scheduler.cache.Snapshot;
import dev.beluga.scheduler.framework.Code;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.listers.ClusterListers;
import dev.beluga.scheduler.listers.NamespaceLister;
import dev.beluga.scheduler.plugins.interpodaffinity.InterPodAffinity;
import dev.beluga.scheduler.testing.PluginRunner;
import dev.beluga.scheduler.testing.TestNodes;
import dev.beluga.scheduler.testing.TestPods;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upstream {@code interpodaffinity.TestRequiredAffinitySingleNode}, {@code TestRequiredAffinityMultipleNodes} and
 * {@code TestPreferredAffinity}.
 */
class InterPodAffinityTest {
    private static final Status AFFINITY = Status.of(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, "node(s) didn't match pod affinity rules");
    private static final Status ANTI_AFFINITY = Status.of(Code.UNSCHEDULABLE, "node(s) didn't match pod anti-affinity rules");
    private static final Status EXISTING_ANTI = Status.of(Code.UNSCHEDULABLE, "node(s) didn't satisfy existing pods anti-affinity rules");

    private static LabelSelectorRequirement expr(String key, String op, String... values) {
        return new LabelSelectorRequirement(key, op, values.length == 0 ? null : new ArrayList<>(List.of(values)));
    }

    private static PodAffinityTerm term(String topologyKey, LabelSelectorRequirement... exprs) {
        PodAffinityTerm t = new PodAffinityTerm();
        t.setTopologyKey(topologyKey);
        LabelSelector s = new LabelSelector();
        s.setMatchExpressions(new ArrayList<>(List.of(exprs)));
        t.setLabelSelector(s);
        return t;
    }

    private static PodAffinityTerm inNamespaces(PodAffinityTerm t, String... namespaces) {
        t.setNamespaces(new ArrayList<>(List.of(namespaces)));
        return t;
    }

    private static TestPods.Builder podLabel(String name) {
        return TestPods.pod(name).label("service", "securityscan");
    }

    private static TestPods.Builder podLabel2(String name) {
        return TestPods.pod(name).label("security", "S1");
    }

    private static Node machine1() {
        return TestNodes.node("machine1").label("region", "r1").label("zone", "z11").hostnameLabel().build();
    }

    private static NamespaceLister namespaces(Namespace... ns) {
        return new NamespaceLister() {
            @Override
            public List<Namespace> list() {
                return List.of(ns);
            }

            @Override
            public Namespace get(String name) {
                for (Namespace n : ns) if (n.getMetadata().getName().equals(name)) return n;
                return null;
            }
        };
    }

    private static Namespace namespace(String name, String... kv) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) labels.put(kv[i], kv[i + 1]);
        return new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build();
    }

    private static Map<String, Status> filter(PodInfo pod, List<Node> nodes, List<Pod> existing, NamespaceLister ns) {
        List<PodInfo> infos = existing.stream().map(PodInfo::of).toList();
        Snapshot snapshot = Snapshot.of(nodes, infos);
        InterPodAffinity pl = new InterPodAffinity(null, snapshot, ns);
        return PluginRunner.filter(pl, pod, snapshot.list()).statuses();
    }

    static Stream<Arguments> singleNodeCases() {
        return Stream.of(
            Arguments.of("A pod that has no required pod affinity scheduling rules can schedule onto a node with no existing pods",
                TestPods.pod("p"), List.of(), Status.SUCCESS),
            Arguments.of("satisfies with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using In operator that matches the existing pod",
                podLabel2("p").podAffinity(term("region", expr("service", "In", "securityscan", "value2"))),
                List.of(podLabel("e").node("machine1")), Status.SUCCESS),
            Arguments.of("satisfies the pod with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using not in operator in labelSelector that matches the existing pod",
                podLabel2("p").podAffinity(term("region", expr("service", "NotIn", "securityscan3", "value3"))),
                List.of(podLabel("e").node("machine1")), Status.SUCCESS),
            Arguments.of("Does not satisfy the PodAffinity with labelSelector because of diff Namespace",
                podLabel2("p").podAffinity(inNamespaces(term("region", expr("service", "In", "securityscan", "value2")), "DiffNameSpace")),
                List.of(podLabel("e").node("machine1")), AFFINITY),
            Arguments.of("Doesn't satisfy the PodAffinity because of unmatching labelSelector with the existing pod",
                podLabel2("p").podAffinity(term("region", expr("service", "In", "antivirusscan", "value2"))),
                List.of(podLabel("e").node("machine1")), AFFINITY),
            Arguments.of("satisfies the PodAffinity with different label Operators in multiple RequiredDuringSchedulingIgnoredDuringExecution",
                podLabel2("p").podAffinity(term("region", expr("service", "Exists"), expr("wrongkey", "DoesNotExist")))
                    .podAffinity(term("region", expr("service", "In", "securityscan"), expr("service", "NotIn", "WrongValue"))),
                List.of(podLabel("e").node("machine1")), Status.SUCCESS),
            Arguments.of("The labelSelector requirements(items of matchExpressions) are ANDed, the pod cannot schedule onto the node because one of the matchExpression item don't match",
                podLabel2("p").podAffinity(term("region", expr("service", "Exists"), expr("wrongkey", "DoesNotExist")))
                    .podAffinity(term("region", expr("service", "In", "securityscan2"), expr("service", "NotIn", "WrongValue"))),
                List.of(podLabel("e").node("machine1")), AFFINITY),
            Arguments.of("satisfies the PodAffinity and PodAntiAffinity with the existing pod",
                podLabel2("p").podAffinity(term("region", expr("service", "In", "securityscan", "value2")))
                    .antiAffinity(term("zone", expr("service", "In", "antivirusscan", "value2"))),
                List.of(podLabel("e").node("machine1")), Status.SUCCESS),
            Arguments.of("satisfies the PodAffinity and PodAntiAffinity and PodAntiAffinity symmetry with the existing pod",
                podLabel2("p").podAffinity(term("region", expr("service", "In", "securityscan", "value2")))
                    .antiAffinity(term("zone", expr("service", "In", "antivirusscan", "value2"))),
                List.of(podLabel("e").node("machine1").antiAffinity(term("zone", expr("service", "In", "antivirusscan", "value2")))),
                Status.SUCCESS),
            Arguments.of("satisfies the PodAffinity but doesn't satisfy the PodAntiAffinity with the existing pod",
                podLabel2("p").podAffinity(term("region", expr("service", "In", "securityscan", "value2")))
                    .antiAffinity(term("zone", expr("service", "In", "securityscan", "value2"))),
                List.of(podLabel("e").node("machine1")), ANTI_AFFINITY),
            Arguments.of("satisfies the PodAffinity and PodAntiAffinity but doesn't satisfy PodAntiAffinity symmetry with the existing pod",
                podLabel("p").podAffinity(term("region", expr("service", "In", "securityscan", "value2")))
                    .antiAffinity(term("zone", expr("service", "In", "antivirusscan", "value2"))),
                List.of(podLabel("e").node("machine1").antiAffinity(term("zone", expr("service", "In", "securityscan", "value2")))),
                EXISTING_ANTI),
            Arguments.of("pod matches its own Label in PodAffinity and that matches the existing pod Labels",
                podLabel("p").podAffinity(term("region", expr("service", "NotIn", "securityscan", "value2"))),
                List.of(podLabel("e").node("machine1")), AFFINITY),
            Arguments.of("verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. doesn't satisfy PodAntiAffinity symmetry with the existing pod",
                podLabel("p"),
                List.of(podLabel("e").node("machine1").antiAffinity(term("zone", expr("service", "In", "securityscan", "value2")))),
                EXISTING_ANTI),
            Arguments.of("verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. satisfy PodAntiAffinity symmetry with the existing pod",
                podLabel("p"),
                List.of(podLabel("e").node("machine1").antiAffinity(term("zone", expr("service", "NotIn", "securityscan", "value2")))),
                Status.SUCCESS),
            Arguments.of("satisfies the PodAntiAffinity with existing pod but doesn't satisfy PodAntiAffinity symmetry with incoming pod",
                podLabel("p").antiAffinity(term("zone", expr("service", "Exists"))),
                List.of(podLabel("e").node("machine1").antiAffinity(term("zone", expr("service", "Exists")))),
                ANTI_AFFINITY),
            Arguments.of("existing pod's anti-affinity only applies to pods in its namespaces",
                podLabel("p").namespace("other"),
                List.of(podLabel("e").node("machine1").antiAffinity(term("zone", expr("service", "Exists")))),
                Status.SUCCESS),
            Arguments.of("pod matches its own Label in PodAffinity and there are no other pods with those Labels",
                podLabel("p").podAffinity(term("region", expr("service", "In", "securityscan"))),
                List.of(), Status.SUCCESS),
            Arguments.of("the first pod of a group still needs the topology key on the node",
                podLabel("p").podAffinity(term("rack", expr("service", "In", "securityscan"))),
                List.of(), AFFINITY),
            Arguments.of("anti-affinity with a topology key the node lacks is satisfied",
                podLabel2("p").antiAffinity(term("rack", expr("service", "Exists"))),
                List.of(podLabel("e").node("machine1")), Status.SUCCESS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("singleNodeCases")
    void requiredAffinitySingleNode(String name, TestPods.Builder pod, List<TestPods.Builder> existing, Status want) {
        Map<String, Status> got = filter(pod.info(), List.of(machine1()), existing.stream().map(TestPods.Builder::build).toList(),
            ClusterListers.NO_NAMESPACES);
        assertThat(got.get("machine1")).isEqualTo(want);
    }

    @Test
    void namespaceSelectorSelectsNamespacesByLabel() {
        NamespaceLister ns = namespaces(namespace("default"), namespace("team-a", "team", "a"), namespace("team-b", "team", "b"));
        PodAffinityTerm byTeamA = term("region", expr("service", "Exists"));
        byTeamA.setNamespaceSelector(TestPods.selector("team", "a"));
        PodAffinityTerm byTeamB = term("region", expr("service", "Exists"));
        byTeamB.setNamespaceSelector(TestPods.selector("team", "b"));
        PodAffinityTerm anyNamespace = term("region", expr("service", "Exists"));
        anyNamespace.setNamespaceSelector(new LabelSelector());
        List<Pod> existing = List.of(podLabel("e").namespace("team-a").node("machine1").build());
        assertThat(filter(podLabel2("p1").podAffinity(byTeamA).info(), List.of(machine1()), existing, ns).get("machine1")).isEqualTo(Status.SUCCESS);
        assertThat(filter(podLabel2("p2").podAffinity(byTeamB).info(), List.of(machine1()), existing, ns).get("machine1")).isEqualTo(AFFINITY);
        assertThat(filter(podLabel2("p3").podAffinity(anyNamespace).info(), List.of(machine1()), existing, ns).get("machine1")).isEqualTo(Status.SUCCESS);
        // without namespaces or selector the term is about the pod's own namespace only
        assertThat(filter(podLabel2("p4").podAffinity(term("region", expr("service", "Exists"))).info(), List.of(machine1()), existing, ns)
            .get("machine1")).isEqualTo(AFFINITY);
    }

    @Test
    void existingPodsAntiAffinityWithNamespaceSelectorMatchesTheIncomingPodsNamespaceLabels() {
        NamespaceLister ns = namespaces(namespace("default"), namespace("prod", "env", "prod"), namespace("dev", "env", "dev"));
        PodAffinityTerm awayFromProd = term("zone", expr("service", "Exists"));
        awayFromProd.setNamespaceSelector(TestPods.selector("env", "prod"));
        List<Pod> existing = List.of(podLabel2("e").node("machine1").antiAffinity(awayFromProd).build());
        assertThat(filter(podLabel("p1").namespace("prod").info(), List.of(machine1()), existing, ns).get("machine1")).isEqualTo(EXISTING_ANTI);
        assertThat(filter(podLabel("p2").namespace("dev").info(), List.of(machine1()), existing, ns).get("machine1")).isEqualTo(Status.SUCCESS);
    }

    // ---- multiple nodes ----

    static Stream<Arguments> multiNodeCases() {
        Node m1 = TestNodes.node("machine1").label("region", "r1").label("zone", "z1").hostnameLabel().build();
        Node m2 = TestNodes.node("machine2").label("region", "r1").label("zone", "z1").hostnameLabel().build();
        Node m3 = TestNodes.node("machine3").label("region", "r2").label("zone", "z2").hostnameLabel().build();
        return Stream.of(
            Arguments.of("A pod can be scheduled onto all the nodes that have the same topology key & label value with one of them has an existing pod that matches the affinity rules",
                TestPods.pod("p").podAffinity("region", "foo", "bar"), List.of(m1, m2, m3),
                List.of(TestPods.pod("e").label("foo", "bar").node("machine1")),
                Map.of("machine1", Status.SUCCESS, "machine2", Status.SUCCESS, "machine3", AFFINITY)),
            Arguments.of("NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod anti-affinity rule. The pod can not be scheduled onto nodeA and nodeB but can be scheduled onto nodeC",
                TestPods.pod("p").antiAffinity("region", "foo", "abc"), List.of(m1, m2, m3),
                List.of(TestPods.pod("e").label("foo", "abc").node("machine1")),
                Map.of("machine1", ANTI_AFFINITY, "machine2", ANTI_AFFINITY, "machine3", Status.SUCCESS)),
            Arguments.of("an existing pod's anti-affinity keeps matching pods out of its zone only",
                TestPods.pod("p").label("foo", "bar"), List.of(m1, m2, m3),
                List.of(TestPods.pod("e").node("machine1").antiAffinity("zone", "foo", "bar")),
                Map.of("machine1", EXISTING_ANTI, "machine2", EXISTING_ANTI, "machine3", Status.SUCCESS)),
            Arguments.of("one pod per host: anti-affinity to its own label on the hostname",
                TestPods.pod("p").label("app", "web").antiAffinity(TestNodes.HOSTNAME, "app", "web"), List.of(m1, m2, m3),
                List.of(TestPods.pod("e1").label("app", "web").node("machine1").antiAffinity(TestNodes.HOSTNAME, "app", "web"),
                    TestPods.pod("e2").label("app", "web").node("machine3").antiAffinity(TestNodes.HOSTNAME, "app", "web")),
                Map.of("machine1", ANTI_AFFINITY, "machine2", Status.SUCCESS, "machine3", ANTI_AFFINITY)),
            Arguments.of("affinity and anti-affinity on different topologies combine",
                TestPods.pod("p").podAffinity("region", "app", "db").antiAffinity(TestNodes.HOSTNAME, "app", "cache"), List.of(m1, m2, m3),
                List.of(TestPods.pod("db").label("app", "db").node("machine1"), TestPods.pod("cache").label("app", "cache").node("machine2")),
                Map.of("machine1", Status.SUCCESS, "machine2", ANTI_AFFINITY, "machine3", AFFINITY)),
            Arguments.of("all affinity terms must be satisfied by pods in the node's domains",
                TestPods.pod("p").podAffinity("region", "app", "db").podAffinity("zone", "app", "cache"), List.of(m1, m2, m3),
                List.of(TestPods.pod("db").label("app", "db").node("machine1"), TestPods.pod("cache").label("app", "cache").node("machine3")),
                Map.of("machine1", AFFINITY, "machine2", AFFINITY, "machine3", AFFINITY)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("multiNodeCases")
    void requiredAffinityMultipleNodes(String name, TestPods.Builder pod, List<Node> nodes, List<TestPods.Builder> existing, Map<String, Status> want) {
        Map<String, Status> got = filter(pod.info(), nodes, existing.stream().map(TestPods.Builder::build).toList(), ClusterListers.NO_NAMESPACES);
        assertThat(got).isEqualTo(want);
    }

    @Test
    void noRequiredTermsAnywhereSkipsTheFilter() {
        Snapshot snapshot = Snapshot.of(List.of(machine1()), List.of(PodInfo.of(podLabel("e").node("machine1").build())));
        PluginRunner.FilterRun run = PluginRunner.filter(new InterPodAffinity(null, snapshot, ClusterListers.NO_NAMESPACES),
            podLabel2("p").info(), snapshot.list());
        assertThat(run.preFilter().status().isSkip()).isTrue();
    }

    @Test
    void aPodWithAnInvalidSelectorIsUnschedulableAndUnresolvable() {
        Snapshot snapshot = Snapshot.of(List.of(machine1()), List.of());
        InterPodAffinity pl = new InterPodAffinity(null, snapshot, ClusterListers.NO_NAMESPACES);
        PodInfo pod = podLabel("p").podAffinity(term("region", expr("service", "Bogus", "x"))).info();
        var pre = PluginRunner.filter(pl, pod, snapshot.list()).preFilter();
        assertThat(pre.status().code()).isEqualTo(Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
        assertThat(pre.status().message()).startsWith("parsing pod: ");
    }

    // ---- PreFilter extensions (preemption, nominated pods) ----

    @Test
    void removingAndAddingPodsUpdatesThePreFilterState() {
        Node m1 = TestNodes.node("machine1").label("zone", "z1").build();
        Node m2 = TestNodes.node("machine2").label("zone", "z2").build();
        PodInfo existing = TestPods.pod("e").label("app", "web").node("machine1").info();
        Snapshot snapshot = Snapshot.of(List.of(m1, m2), List.of(existing));
        InterPodAffinity pl = new InterPodAffinity(null, snapshot, ClusterListers.NO_NAMESPACES);
        PodInfo pod = TestPods.pod("p").antiAffinity("zone", "app", "web").info();
        CycleState state = new CycleState();
        pl.preFilter(state, pod, snapshot.list());
        NodeInfo n1 = snapshot.get("machine1");
        NodeInfo n2 = snapshot.get("machine2");
        assertThat(pl.filter(state, pod, n1)).isEqualTo(ANTI_AFFINITY);

        CycleState removed = state.copy();
        pl.removePod(removed, pod, existing, n1);
        assertThat(pl.filter(removed, pod, n1)).isEqualTo(Status.SUCCESS);
        assertThat(pl.filter(state, pod, n1)).as("the original state is untouched").isEqualTo(ANTI_AFFINITY);

        CycleState added = state.copy();
        pl.addPod(added, pod, TestPods.pod("other").label("app", "web").node("machine2").info(), n2);
        assertThat(pl.filter(added, pod, n2)).isEqualTo(ANTI_AFFINITY);
        assertThat(pl.filter(state, pod, n2)).isEqualTo(Status.SUCCESS);
    }

    @Test
    void afterRemovingTheOnlyMatchingPodTheFirstPodOfAGroupMayGoAnywhere() {
        // upstream deletes topology pairs whose count drops to zero, so a pod with affinity to its own group is
        // treated as the first of its group once the only matching pod is removed (e.g. by preemption)
        Node m1 = TestNodes.node("machine1").label("region", "r1").build();
        Node m3 = TestNodes.node("machine3").label("region", "r2").build();
        PodInfo existing = podLabel("e").node("machine1").info();
        Snapshot snapshot = Snapshot.of(List.of(m1, m3), List.of(existing));
        InterPodAffinity pl = new InterPodAffinity(null, snapshot, ClusterListers.NO_NAMESPACES);
        PodInfo pod = podLabel("p").podAffinity(term("region", expr("service", "In", "securityscan"))).info();
        CycleState state = new CycleState();
        pl.preFilter(state, pod, snapshot.list());
        assertThat(pl.filter(state, pod, snapshot.get("machine3"))).isEqualTo(AFFINITY);
        pl.removePod(state, pod, existing, snapshot.get("machine1"));
        assertThat(pl.filter(state, pod, snapshot.get("machine3"))).isEqualTo(Status.SUCCESS);
    }

    // ---- scoring ----

    private static List<Node> scoreNodes() {
        return List.of(TestNodes.node("m1").label("region", "China").build(),
            TestNodes.node("m2").label("region", "India").build(),
            TestNodes.node("m3").label("region", "China").label("az", "az1").build());
    }

    private static TestPods.Builder s1(String name, String node) {
        return TestPods.pod(name).label("security", "S1").node(node);
    }

    private static TestPods.Builder s2(String name, String node) {
        return TestPods.pod(name).label("security", "S2").node(node);
    }

    static Stream<Arguments> scoreCases() {
        return Stream.of(
            Arguments.of("Affinity: pod that matches topology key & pods in nodes will get high score comparing to others which doesn't match either pods in nodes or in topology key",
                null, TestPods.pod("p").label("security", "S1").preferredAffinity(5, "region", "security", "S1"),
                List.of(s1("e1", "m1"), s2("e2", "m2")), Map.of("m1", 100L, "m2", 0L, "m3", 100L)),
            Arguments.of("Affinity: the more matching pods in a domain, the higher its score",
                null, TestPods.pod("p").preferredAffinity(5, "region", "security", "S1"),
                List.of(s1("e1", "m1"), s1("e2", "m2"), s1("e3", "m2")), Map.of("m1", 0L, "m2", 100L, "m3", 0L)),
            Arguments.of("Anti Affinity: pod that does not match existing pods in node will get high score",
                null, TestPods.pod("p").preferredAntiAffinity(5, "region", "security", "S1"),
                List.of(s1("e1", "m1"), s2("e2", "m2")), Map.of("m1", 0L, "m2", 100L, "m3", 0L)),
            Arguments.of("Affinity symmetry: existing pods' required affinity terms matching the pod count with hardPodAffinityWeight",
                null, TestPods.pod("p").label("security", "S1"),
                List.of(s2("e1", "m1").podAffinity("region", "security", "S1")), Map.of("m1", 100L, "m2", 0L, "m3", 100L)),
            Arguments.of("Anti-affinity symmetry: existing pods' preferred anti-affinity terms matching the pod lower the score",
                null, TestPods.pod("p").label("security", "S1"),
                List.of(s2("e1", "m2").preferredAntiAffinity(10, "region", "security", "S1")), Map.of("m1", 100L, "m2", 0L, "m3", 100L)),
            Arguments.of("Affinity and anti-affinity on different topology keys add up",
                null, TestPods.pod("p").preferredAffinity(8, "region", "security", "S1").preferredAntiAffinity(5, "az", "security", "S2"),
                // m1: China +8; m2: 0; m3: China +8, az1 -5 = 3 -> 37
                List.of(s1("e1", "m1"), s2("e2", "m3")), Map.of("m1", 100L, "m2", 0L, "m3", 37L)),
            Arguments.of("hardPodAffinityWeight scales the symmetric required affinity",
                "{\"hardPodAffinityWeight\": 10}", TestPods.pod("p").label("security", "S1").preferredAffinity(5, "region", "security", "S2"),
                // China: +10 (e1's required term) +5 (the pod's preferred term matches e1); India: +5 (it matches e2)
                List.of(s2("e1", "m1").podAffinity("region", "security", "S1"), s2("e2", "m2")), Map.of("m1", 100L, "m2", 0L, "m3", 100L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scoreCases")
    void preferredAffinity(String name, String args, TestPods.Builder pod, List<TestPods.Builder> existing, Map<String, Long> want) throws Exception {
        Snapshot snapshot = Snapshot.of(scoreNodes(), existing.stream().map(TestPods.Builder::info).toList());
        InterPodAffinity pl = new InterPodAffinity(args == null ? null : new ObjectMapper().readTree(args), snapshot, ClusterListers.NO_NAMESPACES);
        PluginRunner.ScoreRun run = PluginRunner.score(pl, pod.info(), snapshot.list());
        assertThat(run.skipped()).isFalse();
        assertThat(run.scores()).isEqualTo(want);
    }

    @Test
    void ignorePreferredTermsOfExistingPodsDoesNotApplyWhenTheIncomingPodHasPreferredTerms() throws Exception {
        // upstream: existing pods' preferred terms are ignored "unless the incoming pod has inter-pod affinities"
        Snapshot snapshot = Snapshot.of(scoreNodes(), List.of(s2("e1", "m1").info(),
            TestPods.pod("e2").label("security", "S3").node("m2").preferredAffinity(10, "region", "security", "S1").info()));
        InterPodAffinity pl = new InterPodAffinity(new ObjectMapper().readTree("{\"ignorePreferredTermsOfExistingPods\": true}"),
            snapshot, ClusterListers.NO_NAMESPACES);
        // China: +5 (the pod's own term matches e1); India: +10 (e2's preferred term matches the pod)
        PluginRunner.ScoreRun run = PluginRunner.score(pl,
            TestPods.pod("p").label("security", "S1").preferredAffinity(5, "region", "security", "S2").info(), snapshot.list());
        assertThat(run.scores()).isEqualTo(Map.of("m1", 0L, "m2", 100L, "m3", 0L));
    }

    static Stream<Arguments> skippedScoreCases() {
        return Stream.of(
            Arguments.of("all machines are same priority as Affinity is nil", null, TestPods.pod("p").label("security", "S1"),
                List.of(s1("e1", "m1"), s2("e2", "m2"))),
            Arguments.of("hardPodAffinityWeight 0 ignores existing pods' required affinity", "{\"hardPodAffinityWeight\": 0}",
                TestPods.pod("p").label("security", "S1"), List.of(s2("e1", "m1").podAffinity("region", "security", "S1"))),
            Arguments.of("ignorePreferredTermsOfExistingPods without own preferred terms", "{\"ignorePreferredTermsOfExistingPods\": true}",
                TestPods.pod("p").label("security", "S1"), List.of(s2("e1", "m2").preferredAntiAffinity(10, "region", "security", "S1"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("skippedScoreCases")
    void scoringIsSkipped(String name, String args, TestPods.Builder pod, List<TestPods.Builder> existing) throws Exception {
        Snapshot snapshot = Snapshot.of(scoreNodes(), existing.stream().map(TestPods.Builder::info).toList());
        InterPodAffinity pl = new InterPodAffinity(args == null ? null : new ObjectMapper().readTree(args), snapshot, ClusterListers.NO_NAMESPACES);
        assertThat(PluginRunner.score(pl, pod.info(), snapshot.list()).skipped()).isTrue();
    }
}
