package dev.beluga.scheduler.apiclient;

import dev.beluga.scheduler.client.EventSink;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records the scheduler's events as core/v1 Events (what {@code kubectl describe} and {@code kubectl get events}
 * read), like client-go's event recorder: {@link #event} only enqueues (never blocks the scheduling thread); a few
 * virtual threads send them. When the buffer is full, events are dropped and counted, as client-go does.
 *
 * <p>Threading: {@link #event} may be called from any thread; {@link #close} stops the senders (queued events are
 * dropped).
 */
public final class ApiEventRecorder implements EventSink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiEventRecorder.class);
    private static final int BUFFER = 10_000;
    private static final int SENDERS = 4;

    private final KubernetesClient client;
    private final String component;
    private final String instance;
    private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(BUFFER);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread[] senders = new Thread[SENDERS];
    private volatile boolean closed;

    /**
     * @param component the reporting component ({@code default-scheduler})
     * @param instance  the reporting instance (this scheduler's identity)
     */
    public ApiEventRecorder(KubernetesClient client, String component, String instance) {
        this.client = client;
        this.component = component;
        this.instance = instance;
        for (int i = 0; i < SENDERS; i++) senders[i] = Thread.ofVirtual().name("scheduler-events-" + i).start(this::send);
    }

    @Override
    public void event(Pod regarding, Pod related, String type, String reason, String action, String note) {
        if (closed) return;
        Instant now = Instant.now();
        String ts = now.truncatedTo(ChronoUnit.SECONDS).toString();
        var meta = regarding.getMetadata();
        Event e = new EventBuilder()
            .withNewMetadata().withNamespace(meta.getNamespace())
            .withName(meta.getName() + "." + Long.toHexString(now.getEpochSecond() * 1_000_000_000L + now.getNano())).endMetadata()
            .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod").withNamespace(meta.getNamespace())
                .withName(meta.getName()).withUid(meta.getUid()).withResourceVersion(meta.getResourceVersion()).build())
            .withRelated(related == null ? null : new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod")
                .withNamespace(related.getMetadata().getNamespace()).withName(related.getMetadata().getName())
                .withUid(related.getMetadata().getUid()).build())
            .withType(type).withReason(reason).withMessage(note).withAction(action)
            .withNewSource().withComponent(component).endSource()
            .withReportingComponent(component).withReportingInstance(instance)
            .withFirstTimestamp(ts).withLastTimestamp(ts).withEventTime(new MicroTime(now.truncatedTo(ChronoUnit.MICROS).toString()))
            .withCount(1)
            .build();
        if (!queue.offer(e) && dropped.incrementAndGet() % 1000 == 1) log.warn("event buffer full: {} events dropped so far", dropped.get());
    }

    private void send() {
        while (!closed) {
            Event e;
            try {
                e = queue.take();
            } catch (InterruptedException ie) {
                return;
            }
            try {
                client.v1().events().inNamespace(e.getMetadata().getNamespace()).resource(e).create();
            } catch (RuntimeException ex) {
                if (!closed) log.debug("recording event {} failed: {}", e.getReason(), ex.toString());
            }
        }
    }

    /** Events dropped because the buffer was full. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : senders) t.interrupt();
    }
}
