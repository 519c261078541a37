package dev.beluga.scheduler.plugins;

import dev.beluga.scheduler.cache.Snapshot;
import dev.beluga.scheduler.plugins.imagelocality.ImageLocality;
import dev.beluga.scheduler.testing.PluginRunner;
import dev.beluga.scheduler.testing.TestNodes;
import dev.beluga.scheduler.testing.TestPods;
import io.fabric8.kubernetes.api.model.Node;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Upstream {@code imagelocality.TestImageLocalityPriority}. */
class ImageLocalityTest {
    private static final long MB = 1024L * 1024;

    private static Node node403002000() {
        return TestNodes.node("node1")
            .image(40 * MB, "gcr.io/40:latest", "gcr.io/40:v1")
            .image(300 * MB, "gcr.io/300:latest", "gcr.io/300:v1")
            .image(2000 * MB, "gcr.io/2000:latest").build();
    }

    private static Node node25010() {
        return TestNodes.node("node2")
            .image(250 * MB, "gcr.io/250:latest")
            .image(10 * MB, "gcr.io/10:latest", "gcr.io/10:v1").build();
    }

    private static Node nodeWithNoImages() {
        return TestNodes.node("node3").build();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
            // node1: 40MB/2 = 20MB < 23MB -> 0; node2: 250MB/2 = 125MB -> 100*(125-23)/(2000-23) = 5
            Arguments.of("two images spread on two nodes, prefer the larger image one",
                TestPods.pod("p").image("gcr.io/40").containerImages("gcr.io/250"), List.of(node403002000(), node25010()),
                Map.of("node1", 0L, "node2", 5L)),
            // node1: (40+300)MB/2 = 170MB -> 100*(170-23)/1977 = 7
            Arguments.of("two images on one node, prefer this node",
                TestPods.pod("p").image("gcr.io/40").containerImages("gcr.io/300"), List.of(node403002000(), node25010()),
                Map.of("node1", 7L, "node2", 0L)),
            // node1: 2000MB/2 = 1000MB -> 100*(1000-23)/1977 = 49; node2: 10MB/2 -> 0
            Arguments.of("if exceed limit, use limit",
                TestPods.pod("p").image("gcr.io/2000").containerImages("gcr.io/10"), List.of(node403002000(), node25010()),
                Map.of("node1", 49L, "node2", 0L)),
            // node1: 2000MB/3 = 666.7MB -> 100*(666.7-23)/1977 = 32
            Arguments.of("if exceed limit, use limit (with node which has no images present)",
                TestPods.pod("p").image("gcr.io/2000").containerImages("gcr.io/10"), List.of(node403002000(), node25010(), nodeWithNoImages()),
                Map.of("node1", 32L, "node2", 0L, "node3", 0L)),
            // one container: the maximum is 1000MB, reached by 2000MB/2
            Arguments.of("a single container is capped at 1000MB",
                TestPods.pod("p").image("gcr.io/2000"), List.of(node403002000(), node25010()),
                Map.of("node1", 100L, "node2", 0L)),
            // tag v1 is present on node1 (300MB/2 = 150MB -> 100*(150-23)/(1000-23) = 12); tag v2 is not
            Arguments.of("tags are matched exactly",
                TestPods.pod("p").image("gcr.io/300:v1"), List.of(node403002000(), node25010()),
                Map.of("node1", 12L, "node2", 0L)),
            Arguments.of("an image with another tag is not local",
                TestPods.pod("p").image("gcr.io/300:v2"), List.of(node403002000(), node25010()),
                Map.of("node1", 0L, "node2", 0L)),
            Arguments.of("init containers count as containers",
                TestPods.pod("p").image("gcr.io/40").initImage("gcr.io/300"), List.of(node403002000(), node25010()),
                Map.of("node1", 7L, "node2", 0L)),
            // present on both nodes: spread 1, 250MB -> 100*(250-23)/977 = 23
            Arguments.of("an image on every node counts at full size",
                TestPods.pod("p").image("gcr.io/250"), List.of(TestNodes.node("node1").image(250 * MB, "gcr.io/250:latest").build(), node25010()),
                Map.of("node1", 23L, "node2", 23L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void score(String name, TestPods.Builder pod, List<Node> nodes, Map<String, Long> want) {
        Snapshot snapshot = Snapshot.of(nodes, List.of());
        PluginRunner.ScoreRun run = PluginRunner.score(new ImageLocality(snapshot), pod.info(), snapshot.list());
        assertThat(run.scores()).isEqualTo(want);
    }
}
