package dev.beluga.scheduler.framework;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * Runs index-based work over a fixed pool of {@code parallelism - 1} daemon threads plus the calling thread, in
 * chunks of about √n items (upstream {@code parallelize.Until}). Used for Filter and Score over nodes.
 *
 * <p>{@link #until} may be called from several threads at once; each call returns only when every item it handed out
 * has finished, so work may safely read data the caller owns. Unchecked exceptions from the work are rethrown to the
 * caller (the first one; remaining items are abandoned).
 */
public final class Parallelizer implements AutoCloseable {
    private final int parallelism;
    private final ExecutorService workers;

    public Parallelizer(int parallelism) {
        this.parallelism = Math.max(1, parallelism);
        if (this.parallelism > 1) {
            AtomicInteger id = new AtomicInteger();
            this.workers = Executors.newFixedThreadPool(this.parallelism - 1, r -> {
                Thread t = new Thread(r, "beluga-scheduler-parallel-" + id.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        } else {
            this.workers = null;
        }
    }

    public int parallelism() {
        return parallelism;
    }

    /** Runs {@code work} for every index in [0, n). */
    public void until(int n, IntConsumer work) {
        until(n, work, () -> false);
    }

    /**
     * Runs {@code work} for indexes in [0, n) until {@code stop} turns true (checked before each item; items already
     * started finish).
     */
    public void until(int n, IntConsumer work, BooleanSupplier stop) {
        if (n <= 0) return;
        if (workers == null || n < 2) {
            for (int i = 0; i < n && !stop.getAsBoolean(); i++) work.accept(i);
            return;
        }
        int chunk = chunkSize(n, parallelism);
        int chunks = (n + chunk - 1) / chunk;
        Job job = new Job(n, chunk, work, stop, Thread.currentThread());
        int helpers = Math.min(parallelism - 1, chunks - 1);
        for (int i = 0; i < helpers; i++) workers.execute(job::helperRun);
        job.loop();
        job.closed = true;
        job.awaitHelpers();
        if (job.failure != null) {
            if (job.failure instanceof RuntimeException re) throw re;
            if (job.failure instanceof Error e) throw e;
            throw new IllegalStateException(job.failure);
        }
    }

    static int chunkSize(int n, int parallelism) {
        int s = (int) Math.sqrt(n);
        int r = n / parallelism + 1;
        if (s > r) s = r;
        return Math.max(1, s);
    }

    @Override
    public void close() {
        if (workers != null) workers.shutdownNow();
    }

    private static final class Job {
        final int n;
        final int chunk;
        final IntConsumer work;
        final BooleanSupplier stop;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger running = new AtomicInteger();
        volatile boolean closed;
        volatile Throwable failure;

        Job(int n, int chunk, IntConsumer work, BooleanSupplier stop, Thread caller) {
            this.n = n;
            this.chunk = chunk;
            this.work = work;
            this.stop = stop;
            this.caller = caller;
        }

        void helperRun() {
            running.incrementAndGet();
            try {
                if (!closed) loop();
            } finally {
                if (running.decrementAndGet() == 0) LockSupport.unpark(caller);
            }
        }

        void loop() {
            try {
                while (failure == null) {
                    int start = next.getAndAdd(chunk);
                    if (start >= n) return;
                    int end = Math.min(n, start + chunk);
                    for (int i = start; i < end; i++) {
                        if (stop.getAsBoolean()) {
                            next.set(n);
                            return;
                        }
                        work.accept(i);
                    }
                }
            } catch (Throwable t) {
                if (failure == null) failure = t;
                next.set(n);
            }
        }

        void awaitHelpers() {
            int spins = 0;
            while (running.get() != 0) {
                if (spins++ < 200) Thread.onSpinWait();
                else LockSupport.parkNanos(this, 20_000);
            }
        }
    }
}
