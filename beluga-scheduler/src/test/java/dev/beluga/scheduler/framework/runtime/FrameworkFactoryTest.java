package dev.beluga.scheduler.framework.runtime;

import dev.beluga.scheduler.config.ExtensionPoint;
import dev.beluga.scheduler.config.PluginRef;
import dev.beluga.scheduler.config.PluginSet;
import dev.beluga.scheduler.config.Plugins;
import dev.beluga.scheduler.config.ProfileConfig;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.testing.TestCluster;
import dev.beluga.scheduler.testing.TestNodes;
import dev.beluga.scheduler.testing.TestPods;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The default profile as upstream's {@code getDefaultPlugins}, profile merging and how the framework runs plugins. */
class FrameworkFactoryTest {
    private final TestCluster cluster = new TestCluster();

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    void defaultProfileHasUpstreamsPluginsInOrder() {
        Map<String, List<String>> points = cluster.framework().pluginNamesByPoint();
        assertThat(points.get("queueSort")).containsExactly("PrioritySort");
        assertThat(points.get("preEnqueue")).containsExactly("SchedulingGates");
        assertThat(points.get("filter")).containsExactly("NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity",
            "NodePorts", "NodeResourcesFit", "VolumeRestrictions", "VolumeBinding", "PodTopologySpread", "InterPodAffinity");
        assertThat(points.get("postFilter")).containsExactly("DefaultPreemption");
        assertThat(points.get("score")).containsExactly("TaintToleration", "NodeAffinity", "NodeResourcesFit", "PodTopologySpread",
            "InterPodAffinity", "NodeResourcesBalancedAllocation", "ImageLocality");
        assertThat(points.get("bind")).containsExactly("DefaultBinder");
    }

    @Test
    void defaultScoreWeightsAreUpstreams() {
        Map<String, Integer> w = cluster.framework().scoreWeights();
        assertThat(w).containsEntry("TaintToleration", 3).containsEntry("NodeAffinity", 2).containsEntry("PodTopologySpread", 2)
            .containsEntry("InterPodAffinity", 2).containsEntry("NodeResourcesFit", 1).containsEntry("NodeResourcesBalancedAllocation", 1)
            .containsEntry("ImageLocality", 1).hasSize(7);
    }

    @Test
    void disablingAndReweightingThroughMultiPoint() {
        Plugins plugins = Plugins.empty().with(ExtensionPoint.MULTI_POINT,
            new PluginSet(List.of(PluginRef.of("ImageLocality", 5)), List.of(PluginRef.of("TaintToleration"))));
        cluster.profile(new ProfileConfig("custom", null, plugins, Map.of()));
        var f = cluster.framework();
        assertThat(f.pluginNamesByPoint().get("filter")).doesNotContain("TaintToleration");
        assertThat(f.scoreWeights()).containsEntry("ImageLocality", 5).doesNotContainKey("TaintToleration");
    }

    @Test
    void unknownPluginsAreRejected() {
        Plugins plugins = Plugins.empty().with(ExtensionPoint.MULTI_POINT, new PluginSet(List.of(PluginRef.of("NoSuchPlugin")), List.of()));
        cluster.profile(new ProfileConfig("custom", null, plugins, Map.of()));
        assertThatThrownBy(cluster::framework).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("plugin \"NoSuchPlugin\" does not exist");
    }

    @Test
    void filterStopsAtTheFirstRejectionAndNamesThePlugin() {
        cluster.nodes(TestNodes.node("n1").cpu("1").unschedulable().taint("k", "v", "NoSchedule").build()).refresh();
        var f = cluster.framework();
        CycleState state = new CycleState();
        PodInfo pod = TestPods.pod("p").cpu("2").info();
        assertThat(f.runPreFilterPlugins(state, pod, cluster.snapshot.list()).status().isSuccess()).isTrue();
        Status s = f.runFilterPlugins(state, pod, cluster.snapshot.get("n1"));
        assertThat(s.reasons()).containsExactly("node(s) were unschedulable");
        assertThat(s.plugin()).isEqualTo("NodeUnschedulable");
    }

    @Test
    void preFilterSkipsAreRecorded() {
        cluster.nodes(TestNodes.node("n1").build()).refresh();
        CycleState state = new CycleState();
        cluster.framework().runPreFilterPlugins(state, TestPods.pod("p").info(), cluster.snapshot.list());
        assertThat(state.skipFilterPlugins()).contains("NodeAffinity", "NodePorts", "PodTopologySpread", "InterPodAffinity")
            .doesNotContain("NodeResourcesFit");
    }

    @Test
    void weightedScoresAreSummed() {
        // TaintToleration (weight 3) prefers "clean"; with the default weights the total for clean must be 300 higher
        // from TaintToleration alone; other plugins score both nodes equally
        cluster.nodes(TestNodes.node("clean").cpu("4").memory("8Gi").build(),
            TestNodes.node("tainted").cpu("4").memory("8Gi").taint("k", "v", "PreferNoSchedule").build()).refresh();
        var f = cluster.framework();
        CycleState state = new CycleState();
        PodInfo pod = TestPods.pod("p").cpu("1").memory("1Gi").info();
        f.runPreFilterPlugins(state, pod, cluster.snapshot.list());
        assertThat(f.runPreScorePlugins(state, pod, cluster.snapshot.list()).isSuccess()).isTrue();
        var out = f.runScorePlugins(state, pod, cluster.snapshot.list());
        assertThat(out.status().isSuccess()).isTrue();
        assertThat(out.byPlugin().get("TaintToleration")).containsExactly(100, 0);
        assertThat(out.totals()[0] - out.totals()[1]).isEqualTo(300);
    }
}
