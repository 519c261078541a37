package dev.beluga.agent.stats;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ResourceMetricsTextTest {
    @Test
    void writesUpstreamsResourceMetricsWithSampleTimestamps() {
        assertThat(ResourceMetricsText.format(SampleSummaries.sample())).isEqualTo("""
            # HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the container in core-seconds
            # TYPE container_cpu_usage_seconds_total counter
            container_cpu_usage_seconds_total{container="app",namespace="default",pod="web"} 1.5 1714557600123
            container_cpu_usage_seconds_total{container="side\\"car",namespace="default",pod="web"} 0.073596 1714557600125
            # HELP container_memory_working_set_bytes [STABLE] Current working set of the container in bytes
            # TYPE container_memory_working_set_bytes gauge
            container_memory_working_set_bytes{container="app",namespace="default",pod="web"} 1.3754368e+07 1714557600123
            container_memory_working_set_bytes{container="side\\"car",namespace="default",pod="web"} 1000 1714557600125
            # HELP container_start_time_seconds [STABLE] Start time of the container since unix epoch in seconds
            # TYPE container_start_time_seconds gauge
            container_start_time_seconds{container="app",namespace="default",pod="web"} 1.7145558e+09
            container_start_time_seconds{container="side\\"car",namespace="default",pod="web"} 1.7145558015e+09
            # HELP node_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the node in core-seconds
            # TYPE node_cpu_usage_seconds_total counter
            node_cpu_usage_seconds_total 12345 1714557600123
            # HELP node_memory_working_set_bytes [STABLE] Current working set of the node in bytes
            # TYPE node_memory_working_set_bytes gauge
            node_memory_working_set_bytes 1.262211072e+09 1714557600123
            # HELP pod_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the pod in core-seconds
            # TYPE pod_cpu_usage_seconds_total counter
            pod_cpu_usage_seconds_total{namespace="default",pod="web"} 1.573596 1714557600125
            # HELP pod_memory_working_set_bytes [STABLE] Current working set of the pod in bytes
            # TYPE pod_memory_working_set_bytes gauge
            pod_memory_working_set_bytes{namespace="default",pod="web"} 1.3755368e+07 1714557600125
            # HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise
            # TYPE resource_scrape_error gauge
            resource_scrape_error 0
            """);
    }

    @Test
    void unknownFiguresHaveNoSamplesAndFailuresOnlyTheScrapeError() {
        Summary empty = new Summary(new Summary.NodeStats("n", Instant.EPOCH, null, null), List.of());
        assertThat(ResourceMetricsText.format(empty)).doesNotContain("node_cpu").doesNotContain("container_")
            .endsWith("resource_scrape_error 0\n");
        assertThat(ResourceMetricsText.failed()).isEqualTo("""
            # HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise
            # TYPE resource_scrape_error gauge
            resource_scrape_error 1
            """);
    }

    @Test
    void valuesAreRenderedAsGosShortestG() {
        assertThat(ResourceMetricsText.goFloat(0)).isEqualTo("0");
        assertThat(ResourceMetricsText.goFloat(1)).isEqualTo("1");
        assertThat(ResourceMetricsText.goFloat(10)).isEqualTo("10");
        assertThat(ResourceMetricsText.goFloat(999_999)).isEqualTo("999999");
        assertThat(ResourceMetricsText.goFloat(1_000_000)).isEqualTo("1e+06");
        assertThat(ResourceMetricsText.goFloat(1_234_567)).isEqualTo("1.234567e+06");
        assertThat(ResourceMetricsText.goFloat(0.0001)).isEqualTo("0.0001");
        assertThat(ResourceMetricsText.goFloat(0.00001234)).isEqualTo("1.234e-05");
        assertThat(ResourceMetricsText.goFloat(-2.5)).isEqualTo("-2.5");
        assertThat(ResourceMetricsText.goFloat(1e21)).isEqualTo("1e+21");
        assertThat(ResourceMetricsText.goFloat(Double.NaN)).isEqualTo("NaN");
        assertThat(ResourceMetricsText.goFloat(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(ResourceMetricsText.escape("a\\b\"c\nd")).isEqualTo("a\\\\b\\\"c\\nd");
    }
}
