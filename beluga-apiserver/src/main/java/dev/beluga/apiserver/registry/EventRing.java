package dev.beluga.apiserver.registry;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded first-in first-out queue of events between one producer and one consumer, without locks: a watcher's
 * buffer. Under a thousand watchers of one busy resource, the lock of a {@code ArrayBlockingQueue} taken by the cache
 * on every offer and by the stream on every poll cost ~5 % of the server's CPU in contended lock operations alone.
 *
 * <p>Threading: {@link #offer} by one thread at a time, with a happens-before edge between successive producers (the
 * cache calls it under its lock); {@link #poll} by one thread at a time, likewise (the watch's stream).
 * {@link #isEmpty} from any thread. The count of events written is published with a volatile write, so a producer that
 * reads a consumer's volatile "waiting" flag after {@code offer}, and a consumer that sets it before {@code isEmpty},
 * cannot both miss each other.
 */
final class EventRing {
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(EventRing.class, "head", long.class);
            TAIL = l.findVarHandle(EventRing.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final CacheEvent[] slots;
    private final int capacity;
    /** Events taken so far; written by the consumer. */
    @SuppressWarnings("unused") // through HEAD
    private volatile long head;
    /** Events added so far; written by the producer. */
    @SuppressWarnings("unused") // through TAIL
    private volatile long tail;

    /** @param capacity how many events may wait at most */
    EventRing(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity " + capacity);
        this.capacity = capacity;
        this.slots = new CacheEvent[capacity];
    }

    /** Adds the event at the end; false, changing nothing, when {@code capacity} events already wait. */
    boolean offer(CacheEvent e) {
        long t = (long) TAIL.getOpaque(this);
        if (t - (long) HEAD.getAcquire(this) >= capacity) return false;
        slots[(int) (t % capacity)] = e;
        TAIL.setVolatile(this, t + 1);
        return true;
    }

    /** Takes the first event, or null when none waits. */
    CacheEvent poll() {
        long h = (long) HEAD.getOpaque(this);
        if (h >= (long) TAIL.getVolatile(this)) return null;
        int i = (int) (h % capacity);
        CacheEvent e = slots[i];
        slots[i] = null;
        HEAD.setRelease(this, h + 1);
        return e;
    }

    boolean isEmpty() {
        return (long) HEAD.getVolatile(this) >= (long) TAIL.getVolatile(this);
    }
}
