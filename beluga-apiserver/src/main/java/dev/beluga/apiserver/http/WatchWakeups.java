package dev.beluga.apiserver.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One platform thread that wakes watch streams when time, not an event, is what they wait for: the end of a busy
 * stream's linger, a bookmark falling due, the request's timeout. Streams otherwise wait untimed and are woken by their
 * watcher's events alone, so no wait of a watch schedules a timer of its own. (With a thousand busy watches, a timed
 * park per linger and a timed poll per idle wait cost the server ~9 % of its CPU in the JDK's timer queue for virtual
 * threads, and woke every idle watch each second; see docs/apiserver.md.)
 *
 * <p>Lingers end on ticks of the shared clock: a linger that starts between two ticks ends on the second tick after it
 * started, so it lasts between one and two tick periods. The clock ticks only while some stream lingers; otherwise the
 * thread looks at registered streams' due times every {@link #SWEEP_MILLIS} and sleeps in between, and sleeps until
 * woken when no stream is registered. The thread starts with the first registration and is a daemon.
 *
 * <p>Threading: every method may be called from any thread. Wake-ups are {@link LockSupport#unpark} calls, so a
 * woken stream must re-check what it waits for, and a waiting stream may wake for another reason (both as with any
 * {@code park}).
 */
final class WatchWakeups {
    private static final Logger log = LoggerFactory.getLogger(WatchWakeups.class);
    /** How often registered streams' due times are looked at: a bookmark or a deadline is at most this late. */
    static final long SWEEP_MILLIS = 250;

    private static final WatchWakeups SHARED = new WatchWakeups(Math.max(WatchStreamer.LINGER_NANOS / 2, 100_000));

    private final long tickNanos;
    private final Set<Ticket> tickets = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Linger> lingers = new ConcurrentLinkedQueue<>();
    /** Ticks so far; written by the clock thread alone. */
    private volatile long generation;
    /** True while the clock thread sleeps longer than a tick, so that a new linger must wake it. */
    private volatile boolean idle;
    private volatile Thread clock;

    /** @param tickNanos the period of the linger clock: lingers last between one and two periods */
    WatchWakeups(long tickNanos) {
        this.tickNanos = tickNanos;
    }

    /** The instance the server's watch streams share; its tick is half the configured linger. */
    static WatchWakeups shared() {
        return SHARED;
    }

    /**
     * Registers the calling thread, to be unparked whenever its ticket's due time has passed (until it moves the time
     * on or closes the ticket). Close the ticket when the stream ends.
     */
    Ticket register(long dueMillis) {
        Ticket t = new Ticket(Thread.currentThread(), dueMillis);
        tickets.add(t);
        wakeClockIfIdle();
        return t;
    }

    /**
     * Parks the calling thread until the linger clock has ticked twice (between one and two tick periods). Events that
     * arrive meanwhile do not end it.
     *
     * @throws InterruptedException if the thread is interrupted while lingering (its interrupt status is cleared)
     */
    void linger() throws InterruptedException {
        long until = generation + 2;
        lingers.add(new Linger(Thread.currentThread(), until));
        wakeClockIfIdle();
        while (generation < until) {
            LockSupport.park(this);
            if (Thread.interrupted()) throw new InterruptedException();
        }
    }

    private void wakeClockIfIdle() {
        Thread c = clock;
        if (c == null) c = startClock();
        if (idle) LockSupport.unpark(c);
    }

    private synchronized Thread startClock() {
        if (clock == null) clock = Thread.ofPlatform().daemon().name("watch-wakeups").start(this::run);
        return clock;
    }

    /**
     * The clock's loop. A throwable from one turn is logged and the loop goes on: if this thread ended, every busy
     * stream would stay parked in its linger.
     */
    private void run() {
        long nextSweep = System.nanoTime();
        while (true) {
            try {
                nextSweep = turn(nextSweep);
            } catch (Throwable t) {
                log.error("watch wake-up clock: {}", t.toString(), t);
                LockSupport.parkNanos(this, tickNanos);
            }
        }
    }

    /** One tick: a sweep when due, the lingers that end, then the wait for the next tick. Returns the next sweep. */
    private long turn(long nextSweep) {
        long now = System.nanoTime();
        if (now - nextSweep >= 0) {
            sweep(System.currentTimeMillis());
            nextSweep = now + TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS);
        }
        long g = ++generation;
        for (Linger l = lingers.peek(); l != null && l.until <= g; l = lingers.peek()) {
            lingers.poll();
            LockSupport.unpark(l.thread);
        }
        if (!lingers.isEmpty()) {
            LockSupport.parkNanos(this, tickNanos);
            return nextSweep;
        }
        idle = true;
        try {
            // looked at again after announcing idleness: a linger added before that would otherwise wait a sweep
            if (lingers.isEmpty()) {
                if (tickets.isEmpty()) LockSupport.park(this);
                else LockSupport.parkNanos(this, Math.max(0, nextSweep - System.nanoTime()));
            }
        } finally {
            idle = false;
        }
        return nextSweep;
    }

    private void sweep(long nowMillis) {
        for (Ticket t : tickets) {
            if (t.dueMillis <= nowMillis) LockSupport.unpark(t.thread);
        }
    }

    /** A lingering stream's thread and the tick that ends its linger. */
    private record Linger(Thread thread, long until) {
    }

    /** A registered stream: unparked once per sweep while its due time has passed. */
    final class Ticket implements AutoCloseable {
        private final Thread thread;
        private volatile long dueMillis;

        private Ticket(Thread thread, long dueMillis) {
            this.thread = thread;
            this.dueMillis = dueMillis;
        }

        /** Moves the time at which the stream next wants waking (wall-clock milliseconds). */
        void dueAt(long millis) {
            dueMillis = millis;
        }

        @Override
        public void close() {
            tickets.remove(this);
        }
    }
}
