package dev.beluga.scheduler.metrics;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The scheduler's metrics as plain objects, for the integration to export on {@code /metrics} under upstream's
 * names: {@code scheduler_schedule_attempts_total{result}}, {@code scheduler_scheduling_attempt_duration_seconds},
 * {@code scheduler_pod_scheduling_sli_duration_seconds} (end-to-end, first enqueue to bound),
 * {@code scheduler_preemption_attempts_total}, {@code scheduler_preemption_victims} and
 * {@code scheduler_pending_pods{queue}} (from {@link #queueSizes()}). Thread-safe.
 */
public final class SchedulerMetrics {
    public final LongAdder scheduled = new LongAdder();
    public final LongAdder unschedulable = new LongAdder();
    public final LongAdder error = new LongAdder();
    public final LongAdder preemptionAttempts = new LongAdder();
    public final LongAdder preemptionVictims = new LongAdder();
    /** Duration of one scheduling attempt (pop to assume, or to failure), seconds. */
    public final Histogram attemptDuration = new Histogram(Histogram.exponentialBuckets(0.001, 2, 15));
    /** Time from the pod's first entry into the queue until it is bound, seconds. */
    public final Histogram e2eSchedulingDuration = new Histogram(Histogram.exponentialBuckets(0.01, 2, 20));
    private volatile Supplier<QueueSizes> queueSizes = () -> new QueueSizes(0, 0, 0, 0);

    /** Pending pods by queue: active, backoff, unschedulable, gated. */
    public record QueueSizes(int active, int backoff, int unschedulable, int gated) {
    }

    public void setQueueSizes(Supplier<QueueSizes> s) {
        this.queueSizes = s;
    }

    public QueueSizes queueSizes() {
        return queueSizes.get();
    }

    /** Attempts by result ({@code scheduled}, {@code unschedulable}, {@code error}). */
    public long attempts(String result) {
        return switch (result) {
            case "scheduled" -> scheduled.sum();
            case "unschedulable" -> unschedulable.sum();
            case "error" -> error.sum();
            default -> 0;
        };
    }
}
