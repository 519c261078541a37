package dev.beluga.controllers.runtime;

import java.time.Duration;

/**
 * How long an item must wait before it is processed again after a failure (client-go's
 * {@code workqueue.TypedRateLimiter}). Implementations are thread-safe.
 */
public interface RateLimiter<K> {
    /** The delay before the item may be processed again; counts a failure for it. */
    Duration when(K item);

    /** Forgets the item's failures (after it was processed successfully). */
    void forget(K item);

    /** How many failures have been counted for the item since it was last forgotten. */
    int retries(K item);
}
