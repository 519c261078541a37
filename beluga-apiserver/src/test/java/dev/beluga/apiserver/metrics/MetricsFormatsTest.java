package dev.beluga.apiserver.metrics;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsFormatsTest {
    @Test
    void cpuIsACanonicalDecimalQuantity() {
        assertThat(MetricsFormats.cpu(0)).isEqualTo("0");
        assertThat(MetricsFormats.cpu(123)).isEqualTo("123n");
        assertThat(MetricsFormats.cpu(1230)).isEqualTo("1230n");
        assertThat(MetricsFormats.cpu(5000)).isEqualTo("5u");
        assertThat(MetricsFormats.cpu(250_000_000)).isEqualTo("250m");
        assertThat(MetricsFormats.cpu(1_500_000_000)).isEqualTo("1500m");
        assertThat(MetricsFormats.cpu(2_000_000_000)).isEqualTo("2");
        assertThat(MetricsFormats.cpu(999_999_999)).isEqualTo("999999999n");
        assertThat(MetricsFormats.cpu(20_000_000_000_000L)).isEqualTo("20k");
    }

    @Test
    void memoryIsACanonicalBinaryQuantity() {
        assertThat(MetricsFormats.memory(0)).isEqualTo("0");
        assertThat(MetricsFormats.memory(512)).isEqualTo("512");
        assertThat(MetricsFormats.memory(1000)).isEqualTo("1k");
        assertThat(MetricsFormats.memory(1024)).isEqualTo("1Ki");
        assertThat(MetricsFormats.memory(13_754_368)).isEqualTo("13432Ki");
        assertThat(MetricsFormats.memory(2L << 30)).isEqualTo("2Gi");
        assertThat(MetricsFormats.memory(1_262_211_073L)).isEqualTo("1262211073");
    }

    @Test
    void windowsAreGoDurations() {
        assertThat(MetricsFormats.goDuration(Duration.ZERO)).isEqualTo("0s");
        assertThat(MetricsFormats.goDuration(Duration.ofNanos(15_012_000_000L))).isEqualTo("15.012s");
        assertThat(MetricsFormats.goDuration(Duration.ofSeconds(15))).isEqualTo("15s");
        assertThat(MetricsFormats.goDuration(Duration.ofMillis(60_500))).isEqualTo("1m0.5s");
        assertThat(MetricsFormats.goDuration(Duration.ofSeconds(3723))).isEqualTo("1h2m3s");
        assertThat(MetricsFormats.goDuration(Duration.ofHours(2))).isEqualTo("2h0m0s");
        assertThat(MetricsFormats.goDuration(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(MetricsFormats.goDuration(Duration.ofNanos(1_500))).isEqualTo("1.5µs");
        assertThat(MetricsFormats.goDuration(Duration.ofNanos(42))).isEqualTo("42ns");
        assertThat(MetricsFormats.goDuration(Duration.ofSeconds(-2))).isEqualTo("-2s");
    }
}
