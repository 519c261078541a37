package dev.beluga.store;

import java.util.List;

/**
 * Receives the events of one watch.
 *
 * <p>Threading: calls for one watch are made from one thread at a time, never concurrently, in revision order. A
 * listener may block; the store then simply delivers later (it never drops or reorders events for a slow
 * listener). After {@link #onError} no further call is made.
 */
public interface WatchListener {
    /** A non-empty batch of events, in strictly increasing revision order. */
    void onEvents(List<WatchEvent> events);

    /**
     * The watch ended because of {@code error} (for example {@link CompactedException} when it fell behind the
     * compaction window, or {@link StoreClosedException}).
     */
    void onError(StoreException error);

    /**
     * Progress: every event up to {@code revision} has been delivered. Called when the store knows the watcher is
     * current and nothing in its range changed recently (caches use it to serve consistent reads; the API server
     * for bookmarks). The embedded store reports it as soon as the watcher has caught up past writes outside its
     * range, and every few seconds when idle; etcd reports it at etcd's progress-notify interval. Default: ignore.
     */
    default void onProgress(long revision) {
    }
}
