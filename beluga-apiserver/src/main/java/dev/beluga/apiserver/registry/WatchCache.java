package dev.beluga.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import dev.beluga.store.KeyRange;
import dev.beluga.store.KeyValue;
import dev.beluga.store.Keys;
import dev.beluga.store.KvStore;
import dev.beluga.store.RangeResult;
import dev.beluga.store.StoreClosedException;
import dev.beluga.store.StoreException;
import dev.beluga.store.Watch;
import dev.beluga.store.WatchEvent;
import dev.beluga.store.WatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-memory copy of one resource type that serves lists and watches (kube-apiserver's watch cache): it lists the
 * store once, then follows one store watch, so that any number of clients watching cost the store one watch.
 *
 * <p>It holds every current object and a window of recent events. A watch from a revision inside the window is
 * replayed from it; an older one gets 410 Gone. Consistent reads wait until the cache has caught up with the store's
 * current revision.
 *
 * <p>Threading: store events are applied under {@link #lock}, which also guards registration of watchers, so a new
 * watcher sees every event after its starting point exactly once.
 */
public final class WatchCache implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WatchCache.class);
    private static final int WINDOW = 10_000;
    private static final int WATCHER_BUFFER = 4096;

    private final ResourceType type;
    private final KvStore store;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();
    private final TreeMap<String, CachedObject> objects = new TreeMap<>();
    private final ArrayDeque<CacheEvent> window = new ArrayDeque<>();
    /**
     * The watchers, grouped by {@link CacheWatcher#scope} so that a change's key is compared once per watched namespace
     * rather than once per watcher (a thousand watchers of one namespace: one comparison).
     */
    private final Map<String, Set<CacheWatcher>> byScope = new ConcurrentHashMap<>();
    private volatile long revision;
    /** The window holds every change after this revision (the load revision, or the last change evicted). */
    private long windowStart;
    private volatile boolean ready;
    private volatile boolean closed;
    private Watch storeWatch;

    public WatchCache(ResourceType type, KvStore store) {
        this.type = type;
        this.store = store;
    }

    /** Lists the store and starts following it. Returns when the cache is ready. */
    public void start() {
        lock.lock();
        try {
            load();
        } finally {
            lock.unlock();
        }
    }

    private void load() {
        objects.clear();
        window.clear();
        KeyRange range = KeyRange.prefix(type.storagePrefix());
        long at = 0;
        while (true) {
            RangeResult r = store.range(range, at, 1000, false);
            at = r.revision();
            for (KeyValue kv : r.kvs()) objects.put(kv.keyString(), decode(kv));
            if (!r.more()) break;
            range = range.startingAt(Keys.successor(r.kvs().getLast().key()));
        }
        revision = at;
        windowStart = at;
        storeWatch = store.watch(KeyRange.prefix(type.storagePrefix()), at, new Follower());
        ready = true;
        advanced.signalAll();
    }

    /** Decodes a stored object for the cache, its resourceVersion set from the store revision. */
    CachedObject decode(KeyValue kv) {
        return CachedObject.decode(type, kv.keyString(), kv.value(), kv.modRevision());
    }

    /** Decodes a stored object as a tree (the caller owns it), its resourceVersion set from the store revision. */
    static ObjectNode decodeTree(KeyValue kv) {
        ObjectNode obj = Json.parseObject(kv.value());
        Json.with(obj, "metadata").put("resourceVersion", Long.toString(kv.modRevision()));
        return obj;
    }

    private final class Follower implements WatchListener {
        @Override
        public void onEvents(List<WatchEvent> events) {
            lock.lock();
            try {
                for (WatchEvent e : events) apply(e);
                advanced.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onProgress(long rev) {
            if (rev <= revision) return;
            lock.lock();
            try {
                if (rev > revision) revision = rev;
                advanced.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onError(StoreException error) {
            if (closed || error instanceof StoreClosedException) return;
            log.warn("{} watch cache lost its store watch ({}); relisting", type.qualifiedPlural(), error.getMessage());
            lock.lock();
            try {
                terminateWatchers();
                ready = false;
                for (int attempt = 0; !closed; attempt++) {
                    try {
                        load();
                        return;
                    } catch (StoreException e) {
                        if (attempt % 10 == 0) log.warn("relist of {} failed: {}", type.qualifiedPlural(), e.getMessage());
                        advanced.awaitNanos(TimeUnit.MILLISECONDS.toNanos(500));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        }
    }

    private void apply(WatchEvent e) {
        String key = new String(e.kv().key(), StandardCharsets.UTF_8);
        CachedObject prev = objects.get(key);
        CacheEvent ce;
        if (e.type() == WatchEvent.Type.DELETE) {
            if (prev == null) {
                if (e.prevKv() == null) return;
                prev = decode(e.prevKv());
            }
            objects.remove(key);
            ce = new CacheEvent(CacheEvent.Type.DELETED, prev.deletedAt(e.revision()), prev, e.revision());
        } else {
            CachedObject now = decode(e.kv());
            objects.put(key, now);
            ce = new CacheEvent(prev == null ? CacheEvent.Type.ADDED : CacheEvent.Type.MODIFIED, now, prev, e.revision());
        }
        window.addLast(ce);
        if (window.size() > WINDOW) windowStart = window.removeFirst().revision();
        revision = e.revision();
        for (Map.Entry<String, Set<CacheWatcher>> scope : byScope.entrySet()) {
            if (!key.startsWith(scope.getKey())) continue;
            for (CacheWatcher w : scope.getValue()) {
                w.offerInScope(ce);
                if (w.isDone()) remove(w);
            }
        }
    }

    public long revision() {
        return revision;
    }

    public ResourceType type() {
        return type;
    }

    /**
     * Waits until the cache has seen every change up to {@code rev}. Returns false after {@code timeoutMillis}
     * (the caller then reads the store directly).
     */
    public boolean waitFor(long rev, long timeoutMillis) {
        if (revision >= rev && ready) return true;
        lock.lock();
        try {
            long left = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while ((revision < rev || !ready) && left > 0) left = advanced.awaitNanos(left);
            return revision >= rev && ready;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** A consistent snapshot: the objects under {@code prefix} matching {@code filter}, and the revision. */
    public Snapshot snapshot(String keyPrefix, ObjectFilter filter) {
        lock.lock();
        try {
            List<CachedObject> out = new ArrayList<>();
            Map<String, CachedObject> sub = keyPrefix == null ? objects
                : objects.subMap(keyPrefix, true, keyPrefix + Character.MAX_VALUE, false);
            for (CachedObject o : sub.values()) if (filter.matches(o)) out.add(o);
            return new Snapshot(out, revision);
        } finally {
            lock.unlock();
        }
    }

    public record Snapshot(List<CachedObject> items, long revision) {
    }

    /** The current object at {@code key}, or null. */
    public CachedObject get(String key) {
        lock.lock();
        try {
            return objects.get(key);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts a watch. With {@code fromRevision} null ("now" semantics of an unset or "0" resourceVersion) the watcher
     * first gets an ADDED event for every current object matching, then the changes after; otherwise it gets every
     * change after {@code fromRevision} (410 Gone if those are no longer in the window).
     */
    public CacheWatcher watch(String keyPrefix, ObjectFilter filter, Long fromRevision) {
        if (!waitFor(0, 10_000)) throw StatusException.unavailable("the " + type.qualifiedPlural() + " cache is not ready");
        lock.lock();
        try {
            if (fromRevision == null) {
                CacheWatcher w = new CacheWatcher(this, keyPrefix, filter, Math.max(WATCHER_BUFFER, objects.size() + WATCHER_BUFFER), revision);
                Map<String, CachedObject> sub = keyPrefix == null ? objects
                    : objects.subMap(keyPrefix, true, keyPrefix + Character.MAX_VALUE, false);
                int n = 0;
                for (CachedObject o : sub.values())
                    if (filter.matches(o) && w.offerRaw(new CacheEvent(CacheEvent.Type.ADDED, o, null, o.revision()))) n++;
                w.initialEvents(n);
                add(w);
                return w;
            }
            long from = fromRevision;
            // complete from windowStart on: a revision older than that may have missed evicted changes; a newer one
            // (even if the cache's revision moved on through progress notifications from other types) has not
            if (from < windowStart)
                throw StatusException.gone("too old resource version: " + from + " (" + windowStart + ")");
            if (from > revision && !waitForLocked(from)) {
                throw new StatusException(504, "Timeout", "Too large resource version: " + from + ", current: " + revision);
            }
            CacheWatcher w = new CacheWatcher(this, keyPrefix, filter, WATCHER_BUFFER, from);
            for (CacheEvent e : window) if (e.revision() > from) w.offer(e);
            add(w);
            return w;
        } finally {
            lock.unlock();
        }
    }

    private boolean waitForLocked(long rev) {
        long left = TimeUnit.SECONDS.toNanos(3);
        try {
            while (revision < rev && left > 0) left = advanced.awaitNanos(left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return revision >= rev;
    }

    /** Registers a watcher for the changes to come; called under the lock. */
    private void add(CacheWatcher w) {
        byScope.compute(w.scope(), (k, set) -> {
            Set<CacheWatcher> s = set == null ? ConcurrentHashMap.newKeySet() : set;
            s.add(w);
            return s;
        });
    }

    /** Unregisters a watcher; any thread, idempotent. A scope left without watchers is dropped in the same step. */
    void remove(CacheWatcher w) {
        byScope.computeIfPresent(w.scope(), (k, s) -> {
            s.remove(w);
            return s.isEmpty() ? null : s;
        });
    }

    private void terminateWatchers() {
        for (Set<CacheWatcher> scope : byScope.values()) scope.forEach(CacheWatcher::terminate);
        byScope.clear();
    }

    public int watcherCount() {
        int n = 0;
        for (Set<CacheWatcher> scope : byScope.values()) n += scope.size();
        return n;
    }

    /** How many objects the cache holds. */
    public int size() {
        lock.lock();
        try {
            return objects.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        if (storeWatch != null) storeWatch.close();
        terminateWatchers();
    }
}
