package dev.beluga.store.embedded;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/** The store's metrics render in the Prometheus text format that /metrics serves. */
class StoreMetricsTest {
    @TempDir
    Path dir;

    @Test
    void commitMetricsAppearInPrometheusTextFormat() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        try (EmbeddedStore s = EmbeddedStore.open(dir, new EmbeddedStore.Options(1024, 1 << 20, Duration.ofSeconds(5), registry))) {
            for (int i = 0; i < 3; i++) s.put(("/m/" + i).getBytes(UTF_8), "v".getBytes(UTF_8));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
            String text = out.toString(UTF_8);
            assertThat(text).contains("# TYPE beluga_store_commit_seconds histogram")
                .contains("beluga_store_writes_total 3.0")
                .contains("beluga_store_revision 3.0");
        }
    }
}
