package dev.beluga.controllers.runtime;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A rate-limited work queue with client-go's semantics:
 * <ul>
 *   <li>an item queued several times before it is processed is processed once (dirty set);</li>
 *   <li>an item is never processed by two workers at once: {@link #get} hands it out and marks it processing until
 *       {@link #done}; if it is added meanwhile, it is queued again when done (so the change is not lost);</li>
 *   <li>{@link #addAfter} adds after a delay; {@link #addRateLimited} after the rate limiter's delay (per-item
 *       exponential backoff combined with an overall bucket); {@link #forget} resets the item's backoff.</li>
 * </ul>
 * Order is FIFO among ready items. Thread-safe; {@link #get} blocks. After {@link #shutDown}, {@link #get} returns
 * null at once (remaining items are dropped), and adds are ignored.
 */
public final class WorkQueue<K> implements AutoCloseable {
    private final RateLimiter<K> limiter;
    private final ArrayDeque<K> queue = new ArrayDeque<>();
    private final Set<K> dirty = new HashSet<>();
    private final Set<K> processing = new HashSet<>();
    private final java.util.Map<K, Waiting> waiting = new java.util.HashMap<>();
    private final ScheduledExecutorService delays;
    private boolean shutDown;

    public WorkQueue(RateLimiter<K> limiter, String name) {
        this.limiter = limiter;
        this.delays = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("workqueue-" + name).factory());
    }

    /** Queues the item unless it is already queued (or marks it for re-processing if it is being processed). */
    public synchronized void add(K item) {
        if (shutDown || !dirty.add(item)) return;
        if (processing.contains(item)) return;
        queue.addLast(item);
        notify();
    }

    /**
     * Adds the item after {@code delay} (at once when zero or negative). As client-go's delaying queue, an item waits
     * at most once: a later request for an item already waiting is dropped, an earlier one replaces the wait.
     */
    public void addAfter(K item, Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            add(item);
            return;
        }
        long readyAt = System.nanoTime() + delay.toNanos();
        synchronized (this) {
            if (shutDown) return;
            Waiting w = waiting.get(item);
            if (w != null && w.readyAt - readyAt <= 0) return;
            if (w != null) w.timer.cancel(false);
            Waiting next = new Waiting(readyAt);
            waiting.put(item, next);
            next.timer = delays.schedule(() -> {
                synchronized (this) {
                    if (waiting.get(item) == next) waiting.remove(item);
                }
                add(item);
            }, delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** A pending delayed add. */
    private static final class Waiting {
        final long readyAt;
        java.util.concurrent.ScheduledFuture<?> timer;

        Waiting(long readyAt) {
            this.readyAt = readyAt;
        }
    }

    /** Items waiting for a delayed add (each at most once, the earliest time wins). */
    public synchronized int waitingCount() {
        return waiting.size();
    }

    /** Adds the item after its rate-limited delay (a failure is counted). */
    public void addRateLimited(K item) {
        addAfter(item, limiter.when(item));
    }

    /** Stops counting failures for the item. */
    public void forget(K item) {
        limiter.forget(item);
    }

    public int retries(K item) {
        return limiter.retries(item);
    }

    /** The next item, marked processing; blocks until one is ready. Null after shut-down. */
    public synchronized K get() throws InterruptedException {
        while (queue.isEmpty() && !shutDown) wait();
        if (shutDown) return null;
        K item = queue.removeFirst();
        processing.add(item);
        dirty.remove(item);
        return item;
    }

    /** Marks the item processed; if it was added meanwhile, queues it again. */
    public synchronized void done(K item) {
        processing.remove(item);
        if (dirty.contains(item) && !shutDown) {
            queue.addLast(item);
            notify();
        }
    }

    public synchronized int length() {
        return queue.size();
    }

    public synchronized void shutDown() {
        shutDown = true;
        notifyAll();
        delays.shutdownNow();
    }

    @Override
    public void close() {
        shutDown();
    }
}
