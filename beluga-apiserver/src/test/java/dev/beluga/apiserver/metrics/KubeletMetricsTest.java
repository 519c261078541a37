package dev.beluga.apiserver.metrics;

import dev.beluga.apiserver.metrics.KubeletMetrics.PodName;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class KubeletMetricsTest {
    private static final Instant REQUEST = Instant.parse("2024-05-01T10:00:05Z");

    @Test
    void decodesNodeAndContainersAsMetricsServer() {
        KubeletMetrics m = KubeletMetrics.decode("""
            container_cpu_usage_seconds_total{container="app",namespace="default",pod="web"} 1.5 1714557600123
            container_cpu_usage_seconds_total{container="side",namespace="default",pod="web"} 0.25 1714557600125
            container_memory_working_set_bytes{container="app",namespace="default",pod="web"} 1.3754368e+07 1714557600123
            container_memory_working_set_bytes{container="side",namespace="default",pod="web"} 1000 1714557600125
            container_start_time_seconds{container="app",namespace="default",pod="web"} 1.7145558e+09
            node_cpu_usage_seconds_total 12345 1714557600123
            node_memory_working_set_bytes 1.262211072e+09 1714557600123
            pod_cpu_usage_seconds_total{namespace="default",pod="web"} 1.75 1714557600125
            resource_scrape_error 0
            """, REQUEST);
        Instant t = Instant.ofEpochMilli(1714557600123L);
        assertThat(m.node()).isEqualTo(new MetricsPoint(null, t, 12_345_000_000_000L, 1_262_211_072L));
        assertThat(m.pods()).containsOnlyKeys(new PodName("default", "web"));
        var web = m.pods().get(new PodName("default", "web"));
        assertThat(web.get("app")).isEqualTo(new MetricsPoint(Instant.parse("2024-05-01T09:30:00Z"), t, 1_500_000_000L, 13_754_368L));
        assertThat(web.get("side")).isEqualTo(new MetricsPoint(null, Instant.ofEpochMilli(1714557600125L), 250_000_000L, 1000));
    }

    @Test
    void incompleteFiguresAreDroppedAndMissingTimestampsAreTheRequestTime() {
        KubeletMetrics m = KubeletMetrics.decode("""
            container_cpu_usage_seconds_total{container="a",namespace="ns",pod="half"} 1
            container_memory_working_set_bytes{container="a",namespace="ns",pod="half"} 100
            container_cpu_usage_seconds_total{container="b",namespace="ns",pod="half"} 1
            container_cpu_usage_seconds_total{container="a",namespace="ns",pod="whole"} 2
            container_memory_working_set_bytes{container="a",namespace="ns",pod="whole"} 200
            node_cpu_usage_seconds_total 0
            node_memory_working_set_bytes 5
            """, REQUEST);
        assertThat(m.node()).as("a node without CPU time").isNull();
        assertThat(m.pods()).containsOnlyKeys(new PodName("ns", "whole"));
        assertThat(m.pods().get(new PodName("ns", "whole")).get("a")).isEqualTo(new MetricsPoint(null, REQUEST, 2_000_000_000L, 200));
        assertThat(KubeletMetrics.decode("resource_scrape_error 1\n", REQUEST)).isEqualTo(new KubeletMetrics(null, java.util.Map.of()));
    }
}
