package dev.beluga.scheduler.framework;

import dev.beluga.scheduler.testing.TestNodes;
import dev.beluga.scheduler.testing.TestPods;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Upstream {@code framework.TestNewNodeInfo}, {@code TestNodeInfoAddPod}, {@code TestNodeInfoRemovePod} and {@code TestNodeInfoClone}. */
class NodeInfoTest {
    private static final long MI = 1024L * 1024;

    @Test
    void addAndRemovePodsKeepTheSums() {
        NodeInfo ni = TestNodes.node("n").cpu("4").memory("8Gi").pods(10).info();
        assertThat(ni.allocatable().milliCpu).isEqualTo(4000);
        assertThat(ni.allocatable().allowedPodNumber).isEqualTo(10);

        PodInfo a = TestPods.pod("a").cpu("100m").memory("500").hostPort(80).node("n").info();
        PodInfo b = TestPods.pod("b").cpu("200m").memory("1Ki").hostPort(8080).node("n").info();
        PodInfo bestEffort = TestPods.pod("c").node("n").info();
        ni.addPod(a);
        ni.addPod(b);
        ni.addPod(bestEffort);
        assertThat(ni.requested().milliCpu).isEqualTo(300);
        assertThat(ni.requested().memory).isEqualTo(1524);
        assertThat(ni.nonZeroMilliCpu()).isEqualTo(400);
        assertThat(ni.nonZeroMemory()).isEqualTo(1524 + 200 * MI);
        assertThat(ni.usedPorts().size()).isEqualTo(2);
        assertThat(ni.pods()).hasSize(3);

        long before = ni.generation();
        assertThat(ni.removePod(b)).isTrue();
        assertThat(ni.generation()).isGreaterThan(before);
        assertThat(ni.requested().milliCpu).isEqualTo(100);
        assertThat(ni.usedPorts().conflicts(new HostPort(null, null, 8080))).isFalse();
        assertThat(ni.usedPorts().conflicts(new HostPort(null, null, 80))).isTrue();
        assertThat(ni.removePod(b)).as("already removed").isFalse();
    }

    @Test
    void podsWithAffinityAreTracked() {
        NodeInfo ni = TestNodes.node("n").info();
        PodInfo anti = TestPods.pod("anti").antiAffinity("zone", "app", "x").info();
        PodInfo preferred = TestPods.pod("pref").preferredAffinity(1, "zone", "app", "x").info();
        ni.addPod(anti);
        ni.addPod(preferred);
        ni.addPod(TestPods.pod("plain").info());
        assertThat(ni.podsWithAffinity()).extracting(PodInfo::name).containsExactlyInAnyOrder("anti", "pref");
        assertThat(ni.podsWithRequiredAntiAffinity()).extracting(PodInfo::name).containsExactly("anti");
        ni.removePod(anti);
        assertThat(ni.podsWithRequiredAntiAffinity()).isEmpty();
        assertThat(ni.podsWithAffinity()).extracting(PodInfo::name).containsExactly("pref");
    }

    @Test
    void aSnapshotCloneIsIndependent() {
        NodeInfo ni = TestNodes.node("n").cpu("4").info(TestPods.pod("a").cpu("1").hostPort(80).info());
        NodeInfo clone = ni.snapshotClone();
        clone.addPod(TestPods.pod("b").cpu("1").hostPort(81).info());
        assertThat(ni.pods()).hasSize(1);
        assertThat(ni.requested().milliCpu).isEqualTo(1000);
        assertThat(ni.usedPorts().size()).isEqualTo(1);
        assertThat(clone.pods()).hasSize(2);
        assertThat(clone.requested().milliCpu).isEqualTo(2000);
        clone.removePod(ni.pods().get(0));
        assertThat(ni.pods()).hasSize(1);
    }

    @Test
    void imageNamesWithoutTagGetLatest() {
        assertThat(NodeInfo.normalizedImageName("nginx")).isEqualTo("nginx:latest");
        assertThat(NodeInfo.normalizedImageName("nginx:1.25")).isEqualTo("nginx:1.25");
        assertThat(NodeInfo.normalizedImageName("registry:5000/nginx")).isEqualTo("registry:5000/nginx:latest");
        assertThat(NodeInfo.normalizedImageName("registry:5000/nginx:1.0")).isEqualTo("registry:5000/nginx:1.0");
    }
}
