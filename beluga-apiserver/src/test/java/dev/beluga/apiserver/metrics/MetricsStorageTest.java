package dev.beluga.apiserver.metrics;

import dev.beluga.apiserver.metrics.KubeletMetrics.PodName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsStorageTest {
    private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");
    private static final PodName WEB = new PodName("default", "web");
    private final MetricsStorage storage = new MetricsStorage(Duration.ofSeconds(15));

    private static MetricsPoint node(int second, long cpu, long memory) {
        return new MetricsPoint(null, T.plusSeconds(second), cpu, memory);
    }

    private static MetricsPoint container(Instant start, int second, long cpu, long memory) {
        return new MetricsPoint(start, T.plusSeconds(second), cpu, memory);
    }

    @Test
    void cpuIsTheRateBetweenTwoSamplesAndMemoryTheLast() {
        storage.store(Map.of("n1", node(0, 10_000_000_000L, 100)), Map.of());
        assertThat(storage.node("n1")).as("one sample is not enough").isEmpty();
        storage.store(Map.of("n1", node(15, 13_000_000_000L, 200)), Map.of());
        // 3 s of CPU in 15 s: 200 millicores
        assertThat(storage.node("n1")).contains(new MetricsStorage.Usage(T.plusSeconds(15), Duration.ofSeconds(15), 200_000_000L, 200));
        storage.store(Map.of("n1", node(30, 43_000_000_000L, 300)), Map.of());
        assertThat(storage.node("n1")).contains(new MetricsStorage.Usage(T.plusSeconds(30), Duration.ofSeconds(15), 2_000_000_000L, 300));
    }

    @Test
    void aNodeMissingFromAScrapeStartsOverAndAnUnchangedSampleKeepsThePrevious() {
        storage.store(Map.of("n1", node(0, 1_000, 1)), Map.of());
        storage.store(Map.of("n1", node(15, 2_000, 1)), Map.of());
        storage.store(Map.of("n1", node(15, 2_000, 1)), Map.of()); // the kubelet had no newer sample
        assertThat(storage.node("n1")).isPresent();
        storage.store(Map.of(), Map.of());
        assertThat(storage.node("n1")).isEmpty();
        storage.store(Map.of("n1", node(45, 3_000, 1)), Map.of());
        assertThat(storage.node("n1")).isEmpty();
    }

    @Test
    void aCounterThatWentDownGivesNoFigures() {
        storage.store(Map.of("n1", node(0, 5_000, 1)), Map.of());
        storage.store(Map.of("n1", node(15, 4_000, 1)), Map.of());
        assertThat(storage.node("n1")).isEmpty();
    }

    @Test
    void podsNeedTwoSamplesOfEveryContainerAndRestartsStartOver() {
        Instant started = T.minusSeconds(600);
        storage.store(Map.of(), Map.of(WEB, Map.of("app", container(started, 0, 1_000_000_000L, 10))));
        assertThat(storage.pod(WEB)).isEmpty();
        storage.store(Map.of(), Map.of(WEB, Map.of("app", container(started, 10, 1_500_000_000L, 20),
            "side", container(started, 10, 100, 5))));
        assertThat(storage.pod(WEB)).as("side has one sample").isEmpty();
        storage.store(Map.of(), Map.of(WEB, Map.of("app", container(started, 20, 2_500_000_000L, 30),
            "side", container(started, 20, 100, 6))));
        MetricsStorage.PodUsage u = storage.pod(WEB).orElseThrow();
        assertThat(u.window()).isEqualTo(Duration.ofSeconds(10));
        assertThat(u.timestamp()).isEqualTo(T.plusSeconds(20));
        assertThat(u.containers()).containsExactly(new MetricsStorage.ContainerUsage("app", 100_000_000L, 30),
            new MetricsStorage.ContainerUsage("side", 0, 6));
        // app restarted after the last sample: its counter starts over
        storage.store(Map.of(), Map.of(WEB, Map.of("app", container(T.plusSeconds(25), 30, 100, 30),
            "side", container(started, 30, 100, 6))));
        assertThat(storage.pod(WEB)).isEmpty();
    }

    @Test
    void aContainerStartedBetweenTenSecondsAndOneResolutionAgoHasFiguresAfterOneSample() {
        storage.store(Map.of(), Map.of(WEB, Map.of("app", container(T.minusSeconds(12), 0, 6_000_000_000L, 10))));
        MetricsStorage.PodUsage u = storage.pod(WEB).orElseThrow();
        assertThat(u.window()).isEqualTo(Duration.ofSeconds(12));
        assertThat(u.containers()).containsExactly(new MetricsStorage.ContainerUsage("app", 500_000_000L, 10));
        PodName young = new PodName("default", "young");
        storage.store(Map.of(), Map.of(young, Map.of("app", container(T.minusSeconds(5), 0, 6_000_000_000L, 10))));
        assertThat(storage.pod(young)).as("younger than 10 s").isEmpty();
    }

    @Test
    void usageRefusesBackwardStartsAndEmptyWindows() {
        MetricsPoint a = container(T, 0, 100, 1);
        assertThat(MetricsStorage.usage(container(T.minusSeconds(1), 10, 200, 1), a)).isEmpty();
        assertThat(MetricsStorage.usage(container(T, 0, 200, 1), a)).isEmpty();
        assertThat(MetricsStorage.usage(container(T, 1, 1_000_000_100L, 1), a).map(MetricsStorage.Usage::cpuNanoCores))
            .contains(1_000_000_000L);
    }
}
