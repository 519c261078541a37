package dev.beluga.controllers.runtime;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records controller events as core/v1 Events (what {@code kubectl describe} shows: {@code SuccessfulCreate},
 * {@code ScalingReplicaSet}, ...), like client-go's recorder: {@link #event} correlates (aggregation, count
 * increments, spam filter: see {@link EventCorrelator}) and only enqueues; two virtual threads send.
 * A full buffer drops events (counted). Thread-safe.
 */
public final class EventRecorder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";

    private final KubernetesClient client;
    private final BlockingQueue<EventCorrelator.Decision> queue = new ArrayBlockingQueue<>(10_000);
    private final EventCorrelator correlator = new EventCorrelator(java.time.Clock.systemUTC());
    private final AtomicLong dropped = new AtomicLong();
    private final Thread[] senders = new Thread[2];
    private volatile boolean closed;

    public EventRecorder(KubernetesClient client) {
        this.client = client;
        for (int i = 0; i < senders.length; i++) senders[i] = Thread.ofVirtual().name("controller-events-" + i).start(this::send);
    }

    /**
     * @param component the reporting controller (e.g. {@code replicaset-controller})
     */
    public void event(HasMetadata regarding, String component, String type, String reason, String message) {
        if (closed) return;
        Instant now = Instant.now();
        String ts = now.truncatedTo(ChronoUnit.SECONDS).toString();
        var meta = regarding.getMetadata();
        String ns = meta.getNamespace() == null || meta.getNamespace().isEmpty() ? "default" : meta.getNamespace();
        Event e = new EventBuilder()
            .withNewMetadata().withNamespace(ns)
            .withName(meta.getName() + "." + Long.toHexString(now.getEpochSecond() * 1_000_000_000L + now.getNano())).endMetadata()
            .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(regarding.getApiVersion()).withKind(regarding.getKind())
                .withNamespace(meta.getNamespace()).withName(meta.getName()).withUid(meta.getUid())
                .withResourceVersion(meta.getResourceVersion()).build())
            .withType(type).withReason(reason).withMessage(message)
            .withNewSource().withComponent(component).endSource()
            .withReportingComponent(component).withReportingInstance(component)
            .withFirstTimestamp(ts).withLastTimestamp(ts).withEventTime(new MicroTime(now.truncatedTo(ChronoUnit.MICROS).toString()))
            .withCount(1).build();
        EventCorrelator.Decision d = correlator.correlate(e);
        if (d instanceof EventCorrelator.Drop) return;
        if (!queue.offer(d) && dropped.incrementAndGet() % 1000 == 1) log.warn("event buffer full: {} events dropped so far", dropped.get());
    }

    private void send() {
        while (!closed) {
            EventCorrelator.Decision d;
            try {
                d = queue.take();
            } catch (InterruptedException ie) {
                return;
            }
            try {
                switch (d) {
                    case EventCorrelator.Create c -> {
                        try {
                            client.v1().events().inNamespace(c.event().getMetadata().getNamespace()).resource(c.event()).create();
                        } catch (RuntimeException ex) {
                            correlator.forget(c.event());
                            throw ex;
                        }
                    }
                    case EventCorrelator.Increment i -> client.v1().events().resource(new EventBuilder().withNewMetadata()
                            .withNamespace(i.namespace()).withName(i.name()).endMetadata().build()) // named: no GET before the patch
                        .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                            "{\"count\":" + i.count() + ",\"lastTimestamp\":\"" + i.lastTimestamp() + "\"}");
                    case EventCorrelator.Drop x -> { }
                }
            } catch (RuntimeException ex) {
                if (!closed) log.debug("recording an event failed: {}", ex.toString());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : senders) t.interrupt();
    }
}
