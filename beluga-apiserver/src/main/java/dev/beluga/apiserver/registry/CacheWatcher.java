package dev.beluga.apiserver.registry;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One client watch fed by a {@link WatchCache}. The cache offers it every change (already filtered and turned into
 * ADDED/DELETED when an object enters or leaves the filter, as upstream does); the HTTP layer takes events with
 * {@link #poll} and waits for them with {@link #await} (or both at once with {@link #next}). A watcher that falls
 * more than its buffer behind is closed — the client then re-watches from the last revision it saw, exactly as with
 * kube-apiserver.
 *
 * <p>Threading: {@link #offer} is called by the cache under its lock; {@link #next}, {@link #poll} and {@link #await}
 * by one consumer thread.
 */
public final class CacheWatcher implements AutoCloseable {
    private static final VarHandle WAITER;

    static {
        try {
            WAITER = MethodHandles.lookup().findVarHandle(CacheWatcher.class, "waiter", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final EventRing queue;
    /** Storage-key prefix of the watched scope: a namespace's, or "" for every key. */
    private final String scope;
    private final ObjectFilter filter;
    private final WatchCache cache;
    private volatile boolean closed;
    private volatile boolean overflowed;
    private volatile long lastRevision;
    private int initialEvents;
    /** The consumer while it is parked in {@link #await}; whoever queues an event or closes the watcher unparks it. */
    private volatile Thread waiter;

    /**
     * @param keyPrefix storage-key prefix an object's key must start with (the watched namespace), or null for all
     * @param filter    label and field selectors, applied to objects within the prefix
     */
    CacheWatcher(WatchCache cache, String keyPrefix, ObjectFilter filter, int capacity, long fromRevision) {
        this.cache = cache;
        this.scope = keyPrefix == null ? "" : keyPrefix;
        this.filter = filter;
        this.queue = new EventRing(capacity);
        this.lastRevision = fromRevision;
    }

    /** Called by the cache for a change it replays; translates it for this watcher's scope and filter. */
    void offer(CacheEvent e) {
        if (e.object().key().startsWith(scope)) offerInScope(e);
    }

    /**
     * Called by the cache for every change to a key within this watcher's {@link #scope} (the cache checked it once
     * for all the watchers of that scope); translates it for this watcher's filter.
     */
    void offerInScope(CacheEvent e) {
        if (closed) return;
        CacheEvent translated = translate(e);
        if (translated != null) offerRaw(translated);
    }

    /**
     * Adds an event without translation (initial events, and {@link #offerInScope}'s translated ones) and wakes the
     * consumer. Returns false if the buffer is full: the watcher is then closed as overflowed.
     */
    boolean offerRaw(CacheEvent e) {
        boolean queued = queue.offer(e);
        if (!queued) {
            overflowed = true;
            closed = true;
        }
        wakeConsumer();
        return queued;
    }

    /** Unparks the consumer if it waits in {@link #await}; once per wait, however many events arrive meanwhile. */
    private void wakeConsumer() {
        Thread w = waiter;
        if (w != null && WAITER.compareAndSet(this, w, null)) LockSupport.unpark(w);
    }

    /**
     * The event as this watcher sees it, or null when neither the new nor the previous state matches the filter. An
     * object entering the filter becomes ADDED, one leaving it DELETED. Events passed on unchanged are the cache's own
     * instance, so their encoding is shared by all watchers.
     */
    private CacheEvent translate(CacheEvent e) {
        if (filter == ObjectFilter.ALL) return e;
        if (e.type() == CacheEvent.Type.DELETED) {
            return filter.matches(e.object()) ? e : null;
        }
        boolean now = filter.matches(e.object());
        boolean before = e.previous() != null && filter.matches(e.previous());
        if (now && (before || e.type() == CacheEvent.Type.ADDED)) return e;
        if (now) return new CacheEvent(CacheEvent.Type.ADDED, e.object(), e.previous(), e.revision());
        // leaving the filter: the last state that matched, at this change's revision (as upstream's cacher sends it)
        if (before) return new CacheEvent(CacheEvent.Type.DELETED, e.previous().deletedAt(e.revision()), e.previous(), e.revision());
        return null;
    }

    /**
     * The next event, waiting up to {@code timeoutMillis}; null on timeout. After the watcher is closed (by the
     * client, the cache, or overflow) the remaining buffered events are still returned, then null.
     */
    public CacheEvent next(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            CacheEvent e = poll();
            if (e != null || closed) return e;
            long left = deadline - System.nanoTime();
            if (left <= 0) return null;
            park(left);
        }
    }

    /** The next queued event without waiting, or null. */
    public CacheEvent poll() {
        CacheEvent e = queue.poll();
        if (e != null && e.revision() > lastRevision) lastRevision = e.revision();
        return e;
    }

    /**
     * Waits, without a timeout, until an event is queued or the watcher is closed, or until another thread unparks the
     * caller (a stream's timer, see the HTTP layer's {@code WatchWakeups}). May return for no reason: the caller
     * re-checks with {@link #poll} and {@link #isDone}.
     *
     * @throws InterruptedException if the thread is interrupted (its interrupt status is cleared)
     */
    public void await() throws InterruptedException {
        park(0);
    }

    /**
     * Parks until an offer or a close unparks the consumer ({@link #wakeConsumer}), at most {@code nanos} (0: no
     * limit). The consumer is announced before the buffer is looked at, and offers publish the event before they look
     * for a consumer, so an event cannot slip in between unseen.
     */
    private void park(long nanos) throws InterruptedException {
        waiter = Thread.currentThread();
        try {
            if (queue.isEmpty() && !closed) {
                if (nanos > 0) LockSupport.parkNanos(this, nanos);
                else LockSupport.park(this);
            }
        } finally {
            waiter = null;
        }
        if (Thread.interrupted()) throw new InterruptedException();
    }

    /** The storage-key prefix this watcher sees changes under: its namespace's, or "" for every key. */
    String scope() {
        return scope;
    }

    /** How many synthetic ADDED events (the initial state) precede the live changes. */
    public int initialEvents() {
        return initialEvents;
    }

    void initialEvents(int n) {
        initialEvents = n;
    }

    /** True when the watch is over: closed and drained. */
    public boolean isDone() {
        return closed && queue.isEmpty();
    }

    /** True when the watcher was dropped for falling behind (the client should re-watch). */
    public boolean overflowed() {
        return overflowed;
    }

    /** The revision a bookmark sent now may carry: the cache's revision, once everything queued is sent. */
    public long bookmarkRevision() {
        return queue.isEmpty() ? Math.max(lastRevision, cache.revision()) : lastRevision;
    }

    void terminate() {
        closed = true;
        wakeConsumer();
    }

    @Override
    public void close() {
        closed = true;
        cache.remove(this);
        wakeConsumer();
    }
}
