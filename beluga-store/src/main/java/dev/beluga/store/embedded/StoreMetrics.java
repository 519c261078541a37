package dev.beluga.store.embedded;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Prometheus metrics of the embedded store: commit groups, their latency, revision and compaction. */
final class StoreMetrics {
    private final Histogram commitSeconds;
    private final Histogram groupSize;
    private final Counter writes;
    private final Counter commitFailures;
    private final Gauge revision;
    private final Gauge compacted;

    StoreMetrics(PrometheusRegistry registry) {
        commitSeconds = Histogram.builder().name("beluga_store_commit_seconds")
            .help("Time to apply and durably commit one group of writes").unit(null)
            .classicUpperBounds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1)
            .register(registry);
        groupSize = Histogram.builder().name("beluga_store_commit_group_writes")
            .help("Writes committed together in one fsync (group commit)")
            .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048).register(registry);
        writes = Counter.builder().name("beluga_store_writes_total").help("Writes applied").register(registry);
        commitFailures = Counter.builder().name("beluga_store_commit_failures_total")
            .help("Commit groups that failed (disk full, I/O error)").register(registry);
        revision = Gauge.builder().name("beluga_store_revision").help("Current store revision").register(registry);
        compacted = Gauge.builder().name("beluga_store_compacted_revision").help("Revision history is compacted to")
            .register(registry);
    }

    void committed(int ops, int rows, long nanos) {
        commitSeconds.observe(nanos / 1e9);
        groupSize.observe(ops);
        writes.inc(rows);
    }

    void commitFailed() {
        commitFailures.inc();
    }

    void revision(long rev) {
        revision.set(rev);
    }

    void compacted(long rev) {
        compacted.set(rev);
    }
}
