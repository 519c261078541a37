package dev.beluga.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Automatic compaction, so that the disk stays bounded under constant churn: every interval it samples the store's
 * revision, and compacts to the newest sample at least {@code retention} old. With the defaults (5 minutes retained,
 * sampled every minute) watchers and paged lists have at least 5 minutes of history, as with kube-apiserver's
 * compaction of etcd.
 *
 * <p>Threading: {@link #tick(Instant)} is called by its own scheduler thread (or directly by tests with a chosen
 * time); it is not reentrant.
 */
public final class Compactor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Compactor.class);

    private record Sample(Instant at, long revision) {
    }

    private final KvStore store;
    private final Duration retention;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private ScheduledExecutorService scheduler;

    public Compactor(KvStore store, Duration retention) {
        this.store = store;
        this.retention = retention;
    }

    /** Starts sampling every {@code interval} on a daemon thread. */
    public Compactor start(Duration interval, Clock clock) {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon(true).name("store-compactor").unstarted(r));
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                tick(clock.instant());
            } catch (StoreException e) {
                log.warn("compaction failed, will retry: {}", e.getMessage());
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Records the current revision at {@code now} and compacts to the newest recorded revision that is at least
     * {@code retention} old, if that is newer than the current compaction point.
     *
     * @return the revision compacted to, or 0 if nothing was compacted
     */
    public long tick(Instant now) {
        samples.addLast(new Sample(now, store.currentRevision()));
        Sample target = null;
        while (!samples.isEmpty() && !samples.peekFirst().at().isAfter(now.minus(retention))) target = samples.pollFirst();
        if (target == null) return 0;
        if (target.revision() <= store.compactedRevision()) return 0;
        store.compact(target.revision());
        log.debug("compacted {} store to revision {}", store.backendName(), target.revision());
        return target.revision();
    }

    @Override
    public void close() {
        if (scheduler != null) scheduler.shutdownNow();
    }
}
