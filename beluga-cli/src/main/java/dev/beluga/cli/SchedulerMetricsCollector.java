package dev.beluga.cli;

import dev.beluga.scheduler.Scheduler;
import dev.beluga.scheduler.metrics.Histogram;
import dev.beluga.scheduler.metrics.SchedulerMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.function.Supplier;

/**
 * Exports the scheduler's metrics on the server's {@code /metrics} under upstream's names:
 * {@code scheduler_schedule_attempts_total{result}}, {@code scheduler_pending_pods{queue}},
 * {@code scheduler_scheduling_attempt_duration_seconds} and {@code scheduler_pod_scheduling_sli_duration_seconds}
 * (first enqueue to bound). Reads the scheduler of the current leadership term at scrape time; a server that is not
 * leading exports nothing. Thread-safe.
 */
final class SchedulerMetricsCollector implements MultiCollector {
    private final Supplier<Scheduler> current;

    SchedulerMetricsCollector(Supplier<Scheduler> current) {
        this.current = current;
    }

    @Override
    public MetricSnapshots collect() {
        Scheduler s = current.get();
        if (s == null) return new MetricSnapshots();
        SchedulerMetrics m = s.metrics();
        CounterSnapshot.Builder attempts = CounterSnapshot.builder().name("scheduler_schedule_attempts")
            .help("Number of attempts to schedule pods, by the result.");
        for (String result : new String[] {"scheduled", "unschedulable", "error"})
            attempts.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("result", result, "profile", "default-scheduler"))
                .value(m.attempts(result)).build());
        SchedulerMetrics.QueueSizes q = m.queueSizes();
        GaugeSnapshot.Builder pending = GaugeSnapshot.builder().name("scheduler_pending_pods")
            .help("Number of pending pods, by the queue type.");
        pending.dataPoint(gauge("active", q.active()));
        pending.dataPoint(gauge("backoff", q.backoff()));
        pending.dataPoint(gauge("unschedulable", q.unschedulable()));
        pending.dataPoint(gauge("gated", q.gated()));
        CounterSnapshot preemptions = CounterSnapshot.builder().name("scheduler_preemption_attempts")
            .help("Total preemption attempts in the cluster till now.")
            .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(m.preemptionAttempts.sum()).build()).build();
        return MetricSnapshots.of(attempts.build(), pending.build(), preemptions,
            histogram("scheduler_scheduling_attempt_duration_seconds", "Scheduling attempt latency in seconds (algorithm + assume).", m.attemptDuration),
            histogram("scheduler_pod_scheduling_sli_duration_seconds",
                "E2e latency for a pod being scheduled, from the time the pod enters the scheduling queue until it is bound.",
                m.e2eSchedulingDuration));
    }

    private static GaugeSnapshot.GaugeDataPointSnapshot gauge(String queue, int value) {
        return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("queue", queue)).value(value).build();
    }

    private static HistogramSnapshot histogram(String name, String help, Histogram h) {
        double[] bounds = h.bounds();
        double[] withInf = java.util.Arrays.copyOf(bounds, bounds.length + 1);
        withInf[bounds.length] = Double.POSITIVE_INFINITY;
        return HistogramSnapshot.builder().name(name).help(help)
            .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(withInf, h.bucketCounts())).sum(h.sum()).build())
            .build();
    }
}
