package dev.beluga.apiserver.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrometheusTextTest {
    @Test
    void readsSamplesWithLabelsValuesAndTimestamps() {
        List<PrometheusText.Sample> samples = PrometheusText.parse("""
            # HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the container in core-seconds
            # TYPE container_cpu_usage_seconds_total counter
            container_cpu_usage_seconds_total{container="app",namespace="default",pod="web"} 1.5 1714557600123

            node_memory_working_set_bytes 1.262211072e+09 1714557600123
            weird{ a = "x\\"y\\\\z\\n" , b="" ,} NaN
            up +Inf
            down -Inf 5
            """);
        assertThat(samples).hasSize(5);
        assertThat(samples.get(0)).isEqualTo(new PrometheusText.Sample("container_cpu_usage_seconds_total",
            Map.of("container", "app", "namespace", "default", "pod", "web"), 1.5, 1714557600123L));
        assertThat(samples.get(1)).isEqualTo(new PrometheusText.Sample("node_memory_working_set_bytes", Map.of(),
            1_262_211_072d, 1714557600123L));
        assertThat(samples.get(2).labels()).isEqualTo(Map.of("a", "x\"y\\z\n", "b", ""));
        assertThat(samples.get(2).value()).isNaN();
        assertThat(samples.get(2).timestampMillis()).isNull();
        assertThat(samples.get(3).value()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(samples.get(4).value()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(samples.get(4).timestampMillis()).isEqualTo(5);
    }

    @Test
    void aLineThatIsNoSampleIsNamed() {
        assertThatThrownBy(() -> PrometheusText.parse("ok 1\nbroken{a=\"x} 1\n"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
        assertThatThrownBy(() -> PrometheusText.parse("novalue\n")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PrometheusText.parse("x abc\n")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PrometheusText.parse("x 1 2 3\n")).isInstanceOf(IllegalArgumentException.class);
    }
}
