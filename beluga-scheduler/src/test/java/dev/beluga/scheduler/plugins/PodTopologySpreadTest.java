package dev.beluga.scheduler.plugins;

import dev.beluga.scheduler.cache.Snapshot;
import dev.beluga.scheduler.framework.Code;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.listers.ClusterListers;
import dev.beluga.scheduler.listers.WorkloadLister;
import dev.beluga.scheduler.plugins.podtopologyspread.PodTopologySpread;
import dev.beluga.scheduler.testing.PluginRunner;
import dev.beluga.scheduler.testing.TestNodes;
import dev.beluga.scheduler.testing.TestPods;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.beluga.scheduler.testing.TestNodes.HOSTNAME;
import static dev.beluga.scheduler.testing.TestNodes.ZONE;
import static org.assertj.core.api.Assertions.assertThat;

/** Upstream {@code podtopologyspread.TestSingleConstraint}, {@code TestMultipleConstraints} and {@code TestPodTopologySpreadScore}. */
class PodTopologySpreadTest {
    private static final Status REJECT = Status.of(Code.UNSCHEDULABLE, "node(s) didn't match pod topology spread constraints");
    private static final Status NO_LABEL = Status.of(Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
        "node(s) didn't match pod topology spread constraints (missing required label)");

    /** Upstream's four nodes: node-a and node-b in zone1, node-x and node-y in zone2, custom keys "zone" and "node". */
    private static List<Node> fourNodes() {
        return List.of(
            TestNodes.node("node-a").label("zone", "zone1").label("node", "node-a").build(),
            TestNodes.node("node-b").label("zone", "zone1").label("node", "node-b").build(),
            TestNodes.node("node-x").label("zone", "zone2").label("node", "node-x").build(),
            TestNodes.node("node-y").label("zone", "zone2").label("node", "node-y").build());
    }

    private static TestPods.Builder foo(String name, String node) {
        return TestPods.pod(name).label("foo", "bar").node(node);
    }

    /** Existing matching pods, as node names (one pod per entry). */
    private static List<TestPods.Builder> pods(String... nodes) {
        List<TestPods.Builder> out = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) out.add(foo("p" + i, nodes[i]));
        return out;
    }

    private static TopologySpreadConstraint constraint(int maxSkew, String key, Integer minDomains, List<String> matchLabelKeys, String taintsPolicy) {
        TopologySpreadConstraint c = new TopologySpreadConstraint();
        c.setMaxSkew(maxSkew);
        c.setTopologyKey(key);
        c.setWhenUnsatisfiable("DoNotSchedule");
        c.setLabelSelector(TestPods.selector("foo", "bar"));
        c.setMinDomains(minDomains);
        c.setMatchLabelKeys(matchLabelKeys);
        c.setNodeTaintsPolicy(taintsPolicy);
        return c;
    }

    private static PluginRunner.FilterRun filter(TestPods.Builder pod, List<Node> nodes, List<TestPods.Builder> existing) {
        Snapshot snapshot = Snapshot.of(nodes, existing.stream().map(TestPods.Builder::info).toList());
        return PluginRunner.filter(new PodTopologySpread(null, snapshot, ClusterListers.NO_WORKLOADS), pod.info(), snapshot.list());
    }

    static Stream<Arguments> filterCases() {
        List<Node> noZoneOnB = List.of(
            TestNodes.node("node-a").label("zone", "zone1").label("node", "node-a").build(),
            TestNodes.node("node-b").label("node", "node-b").build(),
            TestNodes.node("node-x").label("zone", "zone2").label("node", "node-x").build(),
            TestNodes.node("node-y").label("zone", "zone2").label("node", "node-y").build());
        List<Node> taintedX = List.of(
            TestNodes.node("node-a").label("node", "node-a").build(),
            TestNodes.node("node-b").label("node", "node-b").build(),
            TestNodes.node("node-x").label("node", "node-x").taint("k", "v", "NoSchedule").build(),
            TestNodes.node("node-y").label("node", "node-y").build());
        TestPods.Builder zoneSpread = TestPods.pod("p").label("foo", "bar").spread(1, "zone", "DoNotSchedule", "foo", "bar");
        TestPods.Builder nodeSpread = TestPods.pod("p").label("foo", "bar").spread(1, "node", "DoNotSchedule", "foo", "bar");
        List<TestPods.Builder> spread2103 = pods("node-a", "node-a", "node-b", "node-y", "node-y", "node-y");
        return Stream.of(
            Arguments.of("no existing pods", zoneSpread, fourNodes(), List.of(),
                Map.of("node-a", Status.SUCCESS, "node-b", Status.SUCCESS, "node-x", Status.SUCCESS, "node-y", Status.SUCCESS)),
            Arguments.of("no existing pods, incoming pod doesn't match itself",
                TestPods.pod("p").label("foo", "bar").spread(1, "zone", "DoNotSchedule", "bar", "baz"), fourNodes(), List.of(),
                Map.of("node-a", Status.SUCCESS, "node-b", Status.SUCCESS, "node-x", Status.SUCCESS, "node-y", Status.SUCCESS)),
            Arguments.of("existing pods in a different namespace do not count", zoneSpread, fourNodes(),
                List.of(foo("e1", "node-a").namespace("ns1"), foo("e2", "node-b").namespace("ns1")),
                Map.of("node-a", Status.SUCCESS, "node-b", Status.SUCCESS, "node-x", Status.SUCCESS, "node-y", Status.SUCCESS)),
            Arguments.of("pods spread across zones as 3/3, all nodes fit", zoneSpread, fourNodes(),
                pods("node-a", "node-b", "node-b", "node-x", "node-y", "node-y"),
                Map.of("node-a", Status.SUCCESS, "node-b", Status.SUCCESS, "node-x", Status.SUCCESS, "node-y", Status.SUCCESS)),
            Arguments.of("pods spread across zones as 1/2 due to absence of label 'zone' on node-b", zoneSpread, noZoneOnB,
                pods("node-a", "node-b", "node-x", "node-y"),
                Map.of("node-a", Status.SUCCESS, "node-b", NO_LABEL, "node-x", REJECT, "node-y", REJECT)),
            Arguments.of("pod cannot be scheduled as all nodes don't have label 'rack'",
                TestPods.pod("p").label("foo", "bar").spread(1, "rack", "DoNotSchedule", "foo", "bar"), fourNodes(), List.of(),
                Map.of("node-a", NO_LABEL, "node-b", NO_LABEL, "node-x", NO_LABEL, "node-y", NO_LABEL)),
            Arguments.of("pods spread across nodes as 2/1/0/3, only node-x fits", nodeSpread, fourNodes(), spread2103,
                Map.of("node-a", REJECT, "node-b", REJECT, "node-x", Status.SUCCESS, "node-y", REJECT)),
            Arguments.of("pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit",
                TestPods.pod("p").label("foo", "bar").spread(2, "node", "DoNotSchedule", "foo", "bar"), fourNodes(), spread2103,
                Map.of("node-a", REJECT, "node-b", Status.SUCCESS, "node-x", Status.SUCCESS, "node-y", REJECT)),
            Arguments.of("pods spread across nodes as 2/1/0/3, but pod doesn't match itself",
                TestPods.pod("p").label("bar", "").spread(1, "node", "DoNotSchedule", "foo", "bar"), fourNodes(), spread2103,
                Map.of("node-a", REJECT, "node-b", Status.SUCCESS, "node-x", Status.SUCCESS, "node-y", REJECT)),
            Arguments.of("incoming pod has nodeAffinity, pods spread as 2/~1~/~0~/3, hence node-a fits",
                TestPods.pod("p").label("foo", "bar").spread(1, "node", "DoNotSchedule", "foo", "bar").nodeAffinityIn("node", "node-a", "node-y"),
                fourNodes(), spread2103,
                Map.of("node-a", Status.SUCCESS, "node-b", Status.SUCCESS, "node-x", Status.SUCCESS, "node-y", REJECT)),
            Arguments.of("terminating pods are not counted", nodeSpread, fourNodes(),
                List.of(foo("t1", "node-a").terminating(), foo("t2", "node-a").terminating()),
                Map.of("node-a", Status.SUCCESS, "node-b", Status.SUCCESS, "node-x", Status.SUCCESS, "node-y", Status.SUCCESS)),
            Arguments.of("pods spread across zones as 2/1, maxSkew 2: all nodes fit",
                TestPods.pod("p").label("foo", "bar").spread(constraint(2, "zone", null, null, null)), fourNodes(),
                pods("node-a", "node-a", "node-x"),
                Map.of("node-a", Status.SUCCESS, "node-b", Status.SUCCESS, "node-x", Status.SUCCESS, "node-y", Status.SUCCESS)),
            Arguments.of("pods spread across zones as 2/1, maxSkew 2, minDomains 3: the global minimum is 0, zone1 is full",
                TestPods.pod("p").label("foo", "bar").spread(constraint(2, "zone", 3, null, null)), fourNodes(),
                pods("node-a", "node-a", "node-x"),
                Map.of("node-a", REJECT, "node-b", REJECT, "node-x", Status.SUCCESS, "node-y", Status.SUCCESS)),
            Arguments.of("matchLabelKeys restricts counting to pods with the incoming pod's label values",
                TestPods.pod("p").label("foo", "bar").label("version", "v2").spread(constraint(1, "node", null, List.of("version"), null)),
                fourNodes(), List.of(foo("v1a", "node-a").label("version", "v1"), foo("v1b", "node-a").label("version", "v1"),
                    foo("v2b", "node-b").label("version", "v2")),
                Map.of("node-a", Status.SUCCESS, "node-b", REJECT, "node-x", Status.SUCCESS, "node-y", Status.SUCCESS)),
            Arguments.of("nodeTaintsPolicy Ignore (default) counts the domain of an untolerated tainted node",
                TestPods.pod("p").label("foo", "bar").spread(constraint(1, "node", null, null, null)), taintedX,
                pods("node-a", "node-b", "node-y"),
                Map.of("node-a", REJECT, "node-b", REJECT, "node-x", Status.SUCCESS, "node-y", REJECT)),
            Arguments.of("nodeTaintsPolicy Honor leaves out the domain of an untolerated tainted node",
                TestPods.pod("p").label("foo", "bar").spread(constraint(1, "node", null, null, "Honor")), taintedX,
                pods("node-a", "node-b", "node-y"),
                Map.of("node-a", Status.SUCCESS, "node-b", Status.SUCCESS, "node-x", Status.SUCCESS, "node-y", Status.SUCCESS)),
            Arguments.of("two constraints on zone and node, spreads = [3/3, 2/1/0/3]",
                TestPods.pod("p").label("foo", "bar").spread(1, "zone", "DoNotSchedule", "foo", "bar").spread(1, "node", "DoNotSchedule", "foo", "bar"),
                fourNodes(), spread2103,
                Map.of("node-a", REJECT, "node-b", REJECT, "node-x", Status.SUCCESS, "node-y", REJECT)),
            Arguments.of("two constraints on zone and node, spreads = [1/4, 0/1/2/2]: only node-a fits",
                TestPods.pod("p").label("foo", "bar").spread(1, "zone", "DoNotSchedule", "foo", "bar").spread(1, "node", "DoNotSchedule", "foo", "bar"),
                fourNodes(), pods("node-b", "node-x", "node-x", "node-y", "node-y"),
                Map.of("node-a", Status.SUCCESS, "node-b", REJECT, "node-x", REJECT, "node-y", REJECT)),
            Arguments.of("ScheduleAnyway constraints do not filter",
                TestPods.pod("p").label("foo", "bar").spread(1, "node", "ScheduleAnyway", "foo", "bar"), fourNodes(), spread2103,
                Map.of("node-a", Status.SUCCESS, "node-b", Status.SUCCESS, "node-x", Status.SUCCESS, "node-y", Status.SUCCESS)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filterCases")
    void filter(String name, TestPods.Builder pod, List<Node> nodes, List<TestPods.Builder> existing, Map<String, Status> want) {
        assertThat(filter(pod, nodes, existing).statuses()).isEqualTo(want);
    }

    @Test
    void preFilterExtensionsMoveCountsBetweenDomains() {
        List<TestPods.Builder> existing = pods("node-a", "node-a", "node-b", "node-y", "node-y", "node-y");
        Snapshot snapshot = Snapshot.of(fourNodes(), existing.stream().map(TestPods.Builder::info).toList());
        PodTopologySpread pl = new PodTopologySpread(null, snapshot, ClusterListers.NO_WORKLOADS);
        PodInfo pod = TestPods.pod("p").label("foo", "bar").spread(1, "node", "DoNotSchedule", "foo", "bar").info();
        CycleState state = new CycleState();
        pl.preFilter(state, pod, snapshot.list());
        NodeInfo b = snapshot.get("node-b");
        NodeInfo x = snapshot.get("node-x");
        // pretend the pod on node-b is preempted and one more pod lands on node-x: now node-b (0) is the minimum
        CycleState copy = state.copy();
        pl.removePod(copy, pod, existing.get(2).info(), b);
        pl.addPod(copy, pod, foo("new", "node-x").info(), x);
        assertThat(pl.filter(copy, pod, b)).isEqualTo(Status.SUCCESS);
        assertThat(pl.filter(copy, pod, x)).isEqualTo(REJECT);
        // the original state is unchanged
        assertThat(pl.filter(state, pod, b)).isEqualTo(REJECT);
        assertThat(pl.filter(state, pod, x)).isEqualTo(Status.SUCCESS);
        // pods of another namespace or not matching the selector do not change the counts
        CycleState other = state.copy();
        pl.addPod(other, pod, foo("ns", "node-x").namespace("other").info(), x);
        pl.addPod(other, pod, TestPods.pod("nomatch").label("foo", "baz").node("node-x").info(), x);
        assertThat(pl.filter(other, pod, x)).isEqualTo(Status.SUCCESS);
    }

    // ---- scoring (upstream keys) ----

    private static Node node(String name, String zone) {
        TestNodes.Builder b = TestNodes.node(name).hostnameLabel();
        if (zone != null) b.zone(zone);
        return b.build();
    }

    private static PluginRunner.ScoreRun score(PodTopologySpread pl, Snapshot snapshot, TestPods.Builder pod, List<String> candidates) {
        List<NodeInfo> filtered = candidates == null ? snapshot.list() : candidates.stream().map(snapshot::get).toList();
        return PluginRunner.score(pl, pod.info(), filtered);
    }

    static Stream<Arguments> scoreCases() {
        List<Node> ab = List.of(node("node-a", null), node("node-b", null));
        List<Node> abcd = List.of(node("node-a", null), node("node-b", null), node("node-c", null), node("node-d", null));
        List<Node> zones = List.of(node("node-a", "zone1"), node("node-b", "zone1"), node("node-x", "zone2"), node("node-y", "zone2"));
        TestPods.Builder byHost = TestPods.pod("p").label("foo", "bar").spread(1, HOSTNAME, "ScheduleAnyway", "foo", "bar");
        TestPods.Builder byZone = TestPods.pod("p").label("foo", "bar").spread(1, ZONE, "ScheduleAnyway", "foo", "bar");
        return Stream.of(
            Arguments.of("one constraint on node, no existing pods", byHost, ab, List.of(), null,
                Map.of("node-a", 100L, "node-b", 100L)),
            // weight ln(4+2) = 1.79: raw 4, 2, 0, 0
            Arguments.of("one constraint on node, all 4 nodes are candidates", byHost, abcd,
                pods("node-a", "node-a", "node-b"), null, Map.of("node-a", 0L, "node-b", 50L, "node-c", 100L, "node-d", 100L)),
            // weight ln(2+2) = 1.39: raw 3, 1
            Arguments.of("one constraint on node, only 2 nodes are candidates", byHost, abcd,
                pods("node-a", "node-a", "node-b"), List.of("node-a", "node-b"), Map.of("node-a", 33L, "node-b", 100L)),
            // two zones: weight ln(4) = 1.39: zone1 raw round(2.77) = 3, zone2 round(1.39) = 1
            Arguments.of("one constraint on zone, pods spread 2/1", byZone, zones,
                pods("node-a", "node-b", "node-x"), null, Map.of("node-a", 33L, "node-b", 33L, "node-x", 100L, "node-y", 100L)),
            // maxSkew 3 adds 2: raw 5 and 3
            Arguments.of("maxSkew shifts the raw scores", TestPods.pod("p").label("foo", "bar").spread(3, ZONE, "ScheduleAnyway", "foo", "bar"), zones,
                pods("node-a", "node-b", "node-x"), null, Map.of("node-a", 60L, "node-b", 60L, "node-x", 100L, "node-y", 100L)),
            Arguments.of("a node without the topology key gets 0 with explicit constraints", byZone,
                List.of(node("node-a", "zone1"), node("node-b", "zone1"), node("node-c", null)),
                pods("node-a"), null, Map.of("node-a", 100L, "node-b", 100L, "node-c", 0L)),
            // zone weight ln(4) = 1.386, hostname weight ln(5) = 1.609: a 2.77+3.22 = 6, b 2.77 = 3, x 1.39+1.61 = 3
            Arguments.of("two constraints on zone and hostname", TestPods.pod("p").label("foo", "bar")
                    .spread(1, ZONE, "ScheduleAnyway", "foo", "bar").spread(1, HOSTNAME, "ScheduleAnyway", "foo", "bar"),
                List.of(node("node-a", "zone1"), node("node-b", "zone1"), node("node-x", "zone2")),
                pods("node-a", "node-a", "node-x"), null, Map.of("node-a", 50L, "node-b", 100L, "node-x", 100L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scoreCases")
    void score(String name, TestPods.Builder pod, List<Node> nodes, List<TestPods.Builder> existing, List<String> candidates, Map<String, Long> want) {
        Snapshot snapshot = Snapshot.of(nodes, existing.stream().map(TestPods.Builder::info).toList());
        PluginRunner.ScoreRun run = score(new PodTopologySpread(null, snapshot, ClusterListers.NO_WORKLOADS), snapshot, pod, candidates);
        assertThat(run.skipped()).isFalse();
        assertThat(run.scores()).isEqualTo(want);
    }

    @Test
    void onlyDoNotScheduleConstraintsAreNotScored() {
        Snapshot snapshot = Snapshot.of(List.of(node("node-a", "zone1")), List.of());
        PluginRunner.ScoreRun run = score(new PodTopologySpread(null, snapshot, ClusterListers.NO_WORKLOADS), snapshot,
            TestPods.pod("p").label("foo", "bar").spread(1, ZONE, "DoNotSchedule", "foo", "bar"), null);
        assertThat(run.skipped()).isTrue();
    }

    private static WorkloadLister servicesSelecting(String key, String value) {
        Service svc = new ServiceBuilder().withNewMetadata().withName("web").withNamespace("default").endMetadata()
            .withNewSpec().withSelector(Map.of(key, value)).endSpec().build();
        return new WorkloadLister() {
            @Override
            public List<Service> services(String namespace) {
                return namespace.equals("default") ? List.of(svc) : List.of();
            }

            @Override
            public ReplicaSet replicaSet(String namespace, String name) {
                return null;
            }

            @Override
            public StatefulSet statefulSet(String namespace, String name) {
                return null;
            }

            @Override
            public ReplicationController replicationController(String namespace, String name) {
                return null;
            }
        };
    }

    @Test
    void systemDefaultConstraintsSpreadPodsOfAService() {
        Snapshot snapshot = Snapshot.of(List.of(node("node-a", "zone1"), node("node-b", "zone1"), node("node-x", "zone2")),
            List.of(TestPods.pod("e").label("app", "web").node("node-a").info()));
        PodTopologySpread pl = new PodTopologySpread(null, snapshot, servicesSelecting("app", "web"));
        // hostname (maxSkew 3, weight ln 5) and zone (maxSkew 5, weight ln 4):
        // a: 1.61+2 + 1.39+4 = 9; b: 2 + 5.39 = 7; x: 2 + 4 = 6
        PluginRunner.ScoreRun run = score(pl, snapshot, TestPods.pod("p").label("app", "web"), null);
        assertThat(run.scores()).isEqualTo(Map.of("node-a", 66L, "node-b", 88L, "node-x", 100L));
        // system defaults never filter
        assertThat(PluginRunner.filter(pl, TestPods.pod("p").label("app", "web").info(), snapshot.list()).preFilter().status().isSkip()).isTrue();
        // a pod no service selects gets no default constraints
        assertThat(score(pl, snapshot, TestPods.pod("q").label("app", "other"), null).skipped()).isTrue();
    }
}
