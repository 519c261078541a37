package dev.beluga.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.registry.CacheEvent;
import dev.beluga.apiserver.registry.CacheWatcher;
import dev.beluga.apiserver.registry.ResourceType;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns a {@link CacheWatcher} into watch events, one JSON object per event
 * ({@code {"type":"ADDED","object":{...}}}), for a chunked HTTP response or a WebSocket. Sends bookmarks when asked
 * (and the initial-events-end bookmark for watch-list requests), and ends at the request's timeout.
 *
 * <p>Runs on the request's thread (a virtual thread of its own, see {@link ApiHandler#handle}); returns when the
 * watch ends.
 */
public final class WatchStreamer {
    private static final long BOOKMARK_INTERVAL_MS = 10_000;
    /**
     * Events that arrive within this long of the previous flush are gathered into the next one (a linger ends on the
     * ticks of {@link WatchWakeups}' shared clock, so it lasts between half this and this). An idle stream sends its
     * first event at once; only a busy stream (events less than this apart) pays up to this much extra latency, and
     * in exchange the server makes one write (syscall, TLS record) per watcher per period instead of one per event, and
     * each watch thread is woken once per period instead of once per event. Set with the system property
     * {@value #LINGER_PROPERTY} (milliseconds, 0 to 1000); see docs/apiserver.md for the figures behind the default.
     */
    static final long LINGER_NANOS;
    static final String LINGER_PROPERTY = "beluga.watch.linger-ms";
    private static final long DEFAULT_LINGER_MS = 5;

    static {
        LINGER_NANOS = lingerFromProperty(System.getProperty(LINGER_PROPERTY));
    }

    private static final int MAX_BATCH = 256;

    private final ResourceType type;
    private final CacheWatcher watcher;
    private final Negotiation negotiation;
    private final boolean bookmarks;
    private final boolean initialEventsEnd;
    private final long deadline;
    // the stream's state, owned by the thread running stream()
    private boolean first = true;
    private int initialLeft;
    private boolean endSent;
    private long lastBookmark;

    public WatchStreamer(ResourceType type, CacheWatcher watcher, Negotiation negotiation, boolean bookmarks,
                         boolean initialEventsEnd, Long timeoutSeconds) {
        this.type = type;
        this.watcher = watcher;
        this.negotiation = negotiation;
        this.bookmarks = bookmarks;
        this.initialEventsEnd = initialEventsEnd;
        long t = timeoutSeconds != null && timeoutSeconds > 0 ? timeoutSeconds
            : 1800 + ThreadLocalRandom.current().nextLong(1800);
        this.deadline = System.currentTimeMillis() + t * 1000;
    }

    /**
     * Streams until the timeout, the end of the watcher, or a failed write (client gone). Waits are untimed: the
     * watcher's events wake the thread, and {@link WatchWakeups} wakes it for a linger's end, a bookmark or the
     * deadline. Call once.
     *
     * <p>The loop that lives as long as the watch does nothing but call short methods that do the work: its frame is
     * in a thousand virtual threads' stacks at once, and when the JIT's code for it is invalidated (a branch taken
     * for the first time, such as a full batch when the streams fall behind), each of those frames would go on in
     * the interpreter until it was compiled again; the short methods' next calls simply take the new code.
     */
    public void stream(FrameSink sink) throws IOException, InterruptedException {
        initialLeft = watcher.initialEvents();
        endSent = !initialEventsEnd;
        lastBookmark = System.currentTimeMillis();
        WatchWakeups wakeups = WatchWakeups.shared();
        try (watcher; WatchWakeups.Ticket ticket = wakeups.register(nextDue())) {
            if (!endSent && initialLeft == 0) {
                sink.frame(bookmark(watcher.bookmarkRevision(), true));
                sink.flush();
                endSent = true;
            }
            // busy: the next batch's first event was already queued, or came within a linger of waiting for it
            boolean busy = true;
            while (true) {
                CacheEvent e = watcher.poll();
                if (e != null) {
                    if (!sendAndPace(sink, e, busy, wakeups)) return;
                    busy = true;
                } else {
                    long waited = waitIdle(sink, ticket);
                    if (waited < 0) return;
                    busy = waited < LINGER_NANOS;
                }
            }
        }
    }

    /**
     * Sends {@code e} and everything else already queued (up to {@link #MAX_BATCH}) in one flush: one write for many
     * events under load. Then a busy stream waits out the linger before looking again: what arrives meanwhile leaves in
     * the next single write, and the cache's offers find no thread waiting to be woken (one wake-up per linger period
     * instead of one per event); what arrives after it is sent at once. A sparse stream goes straight back to waiting,
     * so its events cost one wake-up each, not two. False when the watch's time is up.
     */
    private boolean sendAndPace(FrameSink sink, CacheEvent e, boolean busy, WatchWakeups wakeups)
        throws IOException, InterruptedException {
        int batch = 0;
        while (e != null) {
            event(sink, e, first);
            first = false;
            if (!endSent && --initialLeft <= 0) {
                sink.frame(bookmark(watcher.bookmarkRevision(), true));
                endSent = true;
            }
            e = ++batch < MAX_BATCH ? watcher.poll() : null;
        }
        sink.flush();
        if (System.currentTimeMillis() >= deadline) return false;
        if (busy && batch < MAX_BATCH && LINGER_NANOS > 0) wakeups.linger();
        return true;
    }

    /**
     * With nothing queued: ends the watch if it is over (-1), sends a bookmark if one is due, then waits for an event
     * or a wake-up and returns how long it waited, in nanoseconds.
     */
    private long waitIdle(FrameSink sink, WatchWakeups.Ticket ticket) throws IOException, InterruptedException {
        if (watcher.isDone()) return -1;
        long now = System.currentTimeMillis();
        if (now >= deadline) return -1;
        if (bookmarks && now - lastBookmark >= BOOKMARK_INTERVAL_MS) {
            sink.frame(bookmark(watcher.bookmarkRevision(), false));
            sink.flush();
            lastBookmark = now;
            ticket.dueAt(nextDue());
        }
        long waitFrom = System.nanoTime();
        watcher.await();
        return System.nanoTime() - waitFrom;
    }

    /** When the stream next needs waking without an event: its next bookmark, or its deadline. */
    private long nextDue() {
        return bookmarks ? Math.min(deadline, lastBookmark + BOOKMARK_INTERVAL_MS) : deadline;
    }

    /** The linger in nanoseconds from the property's value: the default when unset or not a number in range. */
    static long lingerFromProperty(String value) {
        long ms = DEFAULT_LINGER_MS;
        if (value != null) {
            try {
                long v = Long.parseLong(value.trim());
                if (v >= 0 && v <= 1000) ms = v;
            } catch (NumberFormatException ignored) {
                // keep the default
            }
        }
        return ms * 1_000_000;
    }

    /** Where frames go: a chunked HTTP body (one line each) or WebSocket text messages. */
    public interface FrameSink {
        void frame(byte[] json) throws IOException;

        /** A frame of three parts, one after the other (an event around an object's shared JSON). */
        default void frame(byte[] prefix, byte[] body, byte[] suffix) throws IOException {
            byte[] all = java.util.Arrays.copyOf(prefix, prefix.length + body.length + suffix.length);
            System.arraycopy(body, 0, all, prefix.length, body.length);
            System.arraycopy(suffix, 0, all, prefix.length + body.length, suffix.length);
            frame(all);
        }

        /** Pushes buffered frames to the client; called after each batch. */
        void flush() throws IOException;
    }

    private void event(FrameSink sink, CacheEvent e, boolean first) throws IOException {
        if (negotiation.format() != Negotiation.Format.TABLE) {
            sink.frame(e.framePrefix(), e.object().json(), CacheEvent.FRAME_END);
            return;
        }
        ObjectNode t = Tables.table(type.strategy().table(), List.of(e.object().object()), negotiation.tableVersion(),
            Long.toString(e.revision()), null, null, first);
        sink.frame(e.framePrefix(), Json.bytes(t), CacheEvent.FRAME_END);
    }

    private byte[] bookmark(long revision, boolean initialEnd) {
        ObjectNode obj = Json.object().put("kind", type.kind()).put("apiVersion", type.apiVersion());
        ObjectNode meta = obj.putObject("metadata").put("resourceVersion", Long.toString(revision));
        if (initialEnd) meta.putObject("annotations").put("k8s.io/initial-events-end", "true");
        ObjectNode ev = Json.object().put("type", "BOOKMARK");
        ev.set("object", obj);
        return Json.bytes(ev);
    }

}
