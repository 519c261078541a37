package dev.beluga.controllers.volume;

import dev.beluga.controllers.runtime.Keys;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The objects a controller wrote itself, kept until its informer has caught up with them (upstream's
 * {@code storeObjectUpdate} / assume cache): a binding is several writes, and the next sync must not start from the
 * informer's older copy — that would only earn a 409 and a retry. {@link #newest} returns the written version while
 * it is newer than the cached one (resourceVersions compared as numbers; Beluga's are store revisions), and drops
 * it once the cache has it. Thread-safe.
 */
final class WrittenVersions<T extends HasMetadata> {
    private final ConcurrentHashMap<String, T> written = new ConcurrentHashMap<>();

    /** Remembers an object as the API server returned it from a write. */
    T remember(T obj) {
        if (obj != null) written.merge(Keys.of(obj), obj, (a, b) -> rv(b) >= rv(a) ? b : a);
        return obj;
    }

    /** The newer of the cached object and the one written (null stays null: deletions are the informer's word). */
    T newest(T cached) {
        if (cached == null) return null;
        String key = Keys.of(cached);
        T mine = written.get(key);
        if (mine == null) return cached;
        if (!mine.getMetadata().getUid().equals(cached.getMetadata().getUid()) || rv(cached) >= rv(mine)) {
            written.remove(key, mine);
            return cached;
        }
        return mine;
    }

    void forget(HasMetadata obj) {
        written.remove(Keys.of(obj));
    }

    private static long rv(HasMetadata o) {
        try {
            return Long.parseLong(o.getMetadata().getResourceVersion());
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
