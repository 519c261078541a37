package dev.beluga.scheduler.plugins.podtopologyspread;

import dev.beluga.api.labels.LabelSelector;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.testing.TestNodes;
import dev.beluga.scheduler.testing.TestPods;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Cached match counts are always exact: a node's pods changing, or another selector asked in between, never gives a stale count. */
class MatchCountCacheTest {
    private final MatchCountCache cache = new MatchCountCache();

    @Test
    void countsFollowPodsAddedAndRemoved() {
        NodeInfo node = NodeInfo.of(TestNodes.node("n1").build());
        PodInfo[] web = new PodInfo[10];
        for (int i = 0; i < web.length; i++) {
            web[i] = TestPods.pod("web-" + i).label("app", "web").node("n1").info();
            node.addPod(web[i]);
        }
        node.addPod(TestPods.pod("db-0").label("app", "db").node("n1").info());
        node.addPod(TestPods.pod("other-ns").namespace("other").label("app", "web").node("n1").info());
        LabelSelector app = LabelSelector.parse("app=web");

        assertThat(cache.count(node, app, "default")).isEqualTo(10);
        assertThat(cache.count(node, app, "default")).isEqualTo(10);
        node.addPod(TestPods.pod("web-new").label("app", "web").node("n1").info());
        assertThat(cache.count(node, app, "default")).isEqualTo(11);
        node.removePod(web[0]);
        node.removePod(web[1]);
        assertThat(cache.count(node, app, "default")).isEqualTo(9);
        assertThat(cache.count(node, app, "other")).isEqualTo(1);
    }

    @Test
    void selectorsAskedInTurnKeepTheirOwnCounts() {
        NodeInfo node = NodeInfo.of(TestNodes.node("n1").build());
        for (int i = 0; i < 8; i++) node.addPod(TestPods.pod("a-" + i).label("app", "a").node("n1").info());
        for (int i = 0; i < 6; i++) node.addPod(TestPods.pod("b-" + i).label("app", "b").node("n1").info());
        LabelSelector a = LabelSelector.parse("app=a");
        LabelSelector b = LabelSelector.parse("app=b");
        for (int round = 0; round < 3; round++) {
            assertThat(cache.count(node, a, "default")).isEqualTo(8);
            assertThat(cache.count(node, b, "default")).isEqualTo(6);
            // an equal selector built again (a new cycle) gets the same counts
            assertThat(cache.count(node, LabelSelector.parse("app=a"), "default")).isEqualTo(8);
        }
    }
}
