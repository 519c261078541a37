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
     * What goes before the object's JSON in this event's JSON watch frame ({@code {"type":"...","object":}); after
     * it comes {@link #FRAME_END}. The frame is written in these parts, so that no event holds a copy of its
     * object's JSON: the watch cache keeps thousands of events.
     */
    public byte[] framePrefix() {
        return PREFIXES[type.ordinal()];
    }

    /** The byte closing a JSON watch frame. */
    public static final byte[] FRAME_END = {'}'};

    private static final byte[][] PREFIXES = prefixes();

    private static byte[][] prefixes() {
        byte[][] out = new byte[Type.values().length][];
        for (Type t : Type.values())
            out[t.ordinal()] = ("{\"type\":\"" + t.name() + "\",\"object\":").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return out;
    }
}
