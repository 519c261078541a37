package dev.beluga.apiserver.registry;

/**
 * A change the watch cache saw: {@code object} is the new state (for DELETED: the last state), {@code previous} the
 * state before (null for ADDED). Revision is the store revision of the change.
 */
public final class CacheEvent {
    public enum Type { ADDED, MODIFIED, DELETED, BOOKMARK }

    private final Type type;
    private final CachedObject object;
    private final CachedObject previous;
    private final long revision;
    private volatile byte[] frame;

    public CacheEvent(Type type, CachedObject object, CachedObject previous, long revision) {
        this.type = type;
        this.object = object;
        this.previous = previous;
        this.revision = revision;
    }

    public Type type() {
        return type;
    }

    public CachedObject object() {
        return object;
    }

    public CachedObject previous() {
        return previous;
    }

    public long revision() {
        return revision;
    }

    /**
     * The JSON watch event ({@code {"type":...,"object":...}}), encoded once and shared by every watcher that sends
     * this event in JSON.
     */
    public byte[] frame() {
        byte[] f = frame;
        if (f == null) {
            byte[] head = ("{\"type\":\"" + type.name() + "\",\"object\":").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] body = object.json();
            f = new byte[head.length + body.length + 1];
            System.arraycopy(head, 0, f, 0, head.length);
            System.arraycopy(body, 0, f, head.length, body.length);
            f[f.length - 1] = '}';
            frame = f;
        }
        return f;
    }
}
