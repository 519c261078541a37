package dev.beluga.controllers.runtime;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectReference;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What client-go's {@code EventCorrelator} does before an event is sent, so that a controller creating 5,000 pods
 * writes a few dozen Events, not 5,000:
 * <ul>
 *   <li>aggregation: events alike but for the message (same object, type, reason, source) — after
 *       {@link #MAX_SIMILAR} distinct messages within {@link #AGGREGATE_WINDOW} — become one Event
 *       "(combined from similar events): ..." whose {@code count} is raised from then on;</li>
 *   <li>deduplication: an event identical to one already sent raises that Event's {@code count};</li>
 *   <li>spam filter: per object and source, a token bucket of {@link #SPAM_BURST} with one token every
 *       {@link #SPAM_REFILL}; events beyond it are dropped.</li>
 * </ul>
 * Thread-safe (one lock); memory bounded by {@link #MAX_KEYS} entries per map (oldest forgotten).
 */
public final class EventCorrelator {
    public static final int MAX_SIMILAR = 10;
    public static final Duration AGGREGATE_WINDOW = Duration.ofMinutes(10);
    public static final int SPAM_BURST = 25;
    public static final Duration SPAM_REFILL = Duration.ofMinutes(5);
    static final int MAX_KEYS = 4096;

    /** What to do with an event. */
    public sealed interface Decision {
    }

    /** Send this (possibly rewritten) Event as a new object. */
    public record Create(Event event) implements Decision {
    }

    /** Raise the count of the Event already sent under {@code name}. */
    public record Increment(String namespace, String name, int count, String lastTimestamp) implements Decision {
    }

    /** Drop it (spam). */
    public record Drop() implements Decision {
    }

    private record Sent(String name, int count) {
    }

    private static final class Similar {
        final long windowStart;
        final Set<String> messages = new HashSet<>();

        Similar(long windowStart) {
            this.windowStart = windowStart;
        }
    }

    private static final class Bucket {
        double tokens = SPAM_BURST;
        long last;

        Bucket(long now) {
            last = now;
        }
    }

    private final Clock clock;
    private final Map<String, Similar> similar = lru();
    private final Map<String, Sent> sent = lru();
    private final Map<String, Bucket> buckets = lru();

    public EventCorrelator(Clock clock) {
        this.clock = clock;
    }

    private static <V> Map<String, V> lru() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> e) {
                return size() > MAX_KEYS;
            }
        };
    }

    /** Decides for a new event (its metadata name unique, count 1). */
    public synchronized Decision correlate(Event e) {
        long now = clock.millis();
        String object = objectKey(e.getInvolvedObject()) + "|" + (e.getSource() == null ? "" : e.getSource().getComponent());
        if (!take(object, now)) return new Drop();
        String aggregate = object + "|" + e.getType() + "|" + e.getReason();
        Similar s = similar.get(aggregate);
        if (s == null || now - s.windowStart > AGGREGATE_WINDOW.toMillis()) similar.put(aggregate, s = new Similar(now));
        String exact = aggregate + "|" + e.getMessage();
        if (!s.messages.contains(e.getMessage()) && s.messages.size() >= MAX_SIMILAR) {
            e.setMessage("(combined from similar events): " + e.getMessage());
            exact = aggregate + "|(combined)";
        } else {
            s.messages.add(e.getMessage());
        }
        Sent before = sent.get(exact);
        if (before != null) {
            Sent next = new Sent(before.name(), before.count() + 1);
            sent.put(exact, next);
            return new Increment(e.getMetadata().getNamespace(), before.name(), next.count(), e.getLastTimestamp());
        }
        sent.put(exact, new Sent(e.getMetadata().getName(), 1));
        return new Create(e);
    }

    /** Forgets an event that could not be created, so that the next one is created again. */
    public synchronized void forget(Event e) {
        sent.values().removeIf(s -> s.name().equals(e.getMetadata().getName()));
    }

    private boolean take(String key, long now) {
        Bucket b = buckets.get(key);
        if (b == null) buckets.put(key, b = new Bucket(now));
        b.tokens = Math.min(SPAM_BURST, b.tokens + (now - b.last) / (double) SPAM_REFILL.toMillis());
        b.last = now;
        if (b.tokens < 1) return false;
        b.tokens -= 1;
        return true;
    }

    private static String objectKey(ObjectReference r) {
        if (r == null) return "";
        return r.getKind() + "/" + r.getNamespace() + "/" + r.getName() + "/" + r.getUid();
    }
}
