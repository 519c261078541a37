package dev.beluga.apiserver.registry;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One client watch fed by a {@link WatchCache}. The cache offers it every change (already filtered and turned into
 * ADDED/DELETED when an object enters or leaves the filter, as upstream does); the HTTP layer takes events with
 * {@link #next}. A watcher that falls more than its buffer behind is closed — the client then re-watches from the
 * last revision it saw, exactly as with kube-apiserver.
 *
 * <p>Threading: {@link #offer} is called by the cache under its lock; {@link #next} by one consumer thread.
 */
public final class CacheWatcher implements AutoCloseable {
    private final BlockingQueue<CacheEvent> queue;
    /** Storage-key prefix of the watched scope (a namespace), or null for every key. */
    private final String keyPrefix;
    private final ObjectFilter filter;
    private final WatchCache cache;
    private volatile boolean closed;
    private volatile boolean overflowed;
    private volatile long lastRevision;
    private int initialEvents;

    /**
     * @param keyPrefix storage-key prefix an object's key must start with (the watched namespace), or null for all
     * @param filter    label and field selectors, applied to objects within the prefix
     */
    CacheWatcher(WatchCache cache, String keyPrefix, ObjectFilter filter, int capacity, long fromRevision) {
        this.cache = cache;
        this.keyPrefix = keyPrefix;
        this.filter = filter;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.lastRevision = fromRevision;
    }

    /** Called by the cache for every change; translates it for this watcher's filter. */
    void offer(CacheEvent e) {
        if (closed) return;
        CacheEvent translated = translate(e);
        if (translated == null) return;
        if (!queue.offer(translated)) {
            overflowed = true;
            closed = true;
        }
    }

    /** Adds an event without translation (initial events, replay). Returns false if the buffer is full. */
    boolean offerRaw(CacheEvent e) {
        if (queue.offer(e)) return true;
        overflowed = true;
        closed = true;
        return false;
    }

    /**
     * The event as this watcher sees it, or null when it does not concern it: outside the key prefix (checked first,
     * on the key the cache already holds: most watchers of a busy cache are scoped to other namespaces), or neither
     * the new nor the previous state matching the filter. An object entering the filter becomes ADDED, one leaving it
     * DELETED. Events passed on unchanged are the cache's own instance, so their encoding is shared by all watchers.
     */
    private CacheEvent translate(CacheEvent e) {
        if (keyPrefix != null && !e.object().key().startsWith(keyPrefix)) return null;
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
        CacheEvent e = closed ? queue.poll() : queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (e != null && e.revision() > lastRevision) lastRevision = e.revision();
        return e;
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
    }

    @Override
    public void close() {
        closed = true;
        cache.remove(this);
    }
}
