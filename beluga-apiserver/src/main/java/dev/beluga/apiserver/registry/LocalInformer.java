package dev.beluga.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one resource's {@link WatchCache} inside the API server (no HTTP), for components that keep their own
 * in-memory view: the RBAC authorizer's roles and bindings, the Node authorizer's graph. The handler first gets
 * {@link Handler#reset()} and the current objects, then every change. A watcher that falls behind is replaced: the
 * handler is reset and gets the current objects again (so it never misses a deletion).
 *
 * <p>Threading: {@link #start()} delivers the initial objects on the caller's thread, then one virtual thread delivers
 * the changes in order; handlers are never called concurrently. Each object handed over is a tree parsed for this
 * call from the cache's JSON (the handler may keep or change it).
 */
public final class LocalInformer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalInformer.class);

    /** Receives a resource's state and changes. */
    public interface Handler {
        /** Forget everything: the current objects follow. */
        void reset();

        /** An object was added or changed. */
        void upsert(ObjectNode obj);

        /** An object was deleted (its last state). */
        void delete(ObjectNode obj);

        /** The initial objects after a {@link #reset()} have all been delivered. */
        default void synced() {
        }

        /** A handler of three functions. */
        static Handler of(Runnable reset, java.util.function.Consumer<ObjectNode> upsert, java.util.function.Consumer<ObjectNode> delete) {
            return new Handler() {
                @Override
                public void reset() {
                    reset.run();
                }

                @Override
                public void upsert(ObjectNode obj) {
                    upsert.accept(obj);
                }

                @Override
                public void delete(ObjectNode obj) {
                    delete.accept(obj);
                }
            };
        }
    }

    private final WatchCache cache;
    private final Handler handler;
    private volatile boolean closed;
    private volatile CacheWatcher watcher;
    private Thread thread;

    public LocalInformer(WatchCache cache, Handler handler) {
        this.cache = cache;
        this.handler = handler;
    }

    /** Delivers the current objects, then follows the cache on a thread of its own. Call once. */
    public synchronized LocalInformer start() {
        CacheWatcher w = relist();
        thread = Thread.ofVirtual().name("local-informer-" + cache.type().plural()).start(() -> follow(w));
        return this;
    }

    private CacheWatcher relist() {
        CacheWatcher w = cache.watch(null, o -> true, null);
        watcher = w;
        handler.reset();
        int initial = w.initialEvents();
        try {
            for (int i = 0; i < initial; i++) {
                CacheEvent e = w.next(0);
                if (e == null) break;
                deliver(e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        handler.synced();
        return w;
    }

    private void follow(CacheWatcher first) {
        CacheWatcher w = first;
        while (!closed) {
            try {
                CacheEvent e = w.next(1000);
                if (e != null) {
                    deliver(e);
                } else if (w.isDone() && !closed) {
                    w.close();
                    w = relist();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("following {}: {}", cache.type().plural(), e.toString());
                sleepQuietly();
            }
        }
        w.close();
    }

    private void deliver(CacheEvent e) {
        switch (e.type()) {
            case ADDED, MODIFIED -> handler.upsert(e.object().object());
            case DELETED -> handler.delete(e.object().object());
            default -> { }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        CacheWatcher w = watcher;
        if (w != null) w.close();
        if (thread != null) thread.interrupt();
    }
}
