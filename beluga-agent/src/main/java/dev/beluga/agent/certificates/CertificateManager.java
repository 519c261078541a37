package dev.beluga.agent.certificates;

import dev.beluga.pki.IssuedCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * Keeps one certificate of the node current, as the kubelet's certificate manager does: at the
 * {@link RotationDeadline} of the current certificate (at once when that is past, e.g. after a long stop) it asks for
 * a new one with a fresh key ({@link Renewer}, a CertificateSigningRequest), stores it ({@link Store}: the data
 * directory, atomically) and hands it to its users ({@link #onRotation}: the API client's key manager, the kubelet
 * HTTPS server) — no restart. A failed renewal is retried with exponential backoff (2 s doubling, at most 5 minutes).
 * Every certificate taken into use is logged with its expiry and the next rotation time.
 *
 * <p>Threading: one scheduler thread per manager runs renewals; {@link #current()} may be read from any thread;
 * listeners are called on the scheduler thread, in order, after the new certificate is stored.
 */
public final class CertificateManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CertificateManager.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(2);
    static final Duration MAX_RETRY = Duration.ofMinutes(5);

    /** Gets a new certificate for the template. */
    @FunctionalInterface
    public interface Renewer {
        IssuedCertificate renew(CertificateTemplate template) throws Exception;
    }

    /** Stores a new certificate before it is used. */
    @FunctionalInterface
    public interface Store {
        void store(IssuedCertificate certificate) throws Exception;
    }

    private final CertificateTemplate template;
    private final Renewer renewer;
    private final Store store;
    private final Clock clock;
    private final DoubleSupplier random;
    private final List<java.util.function.Consumer<IssuedCertificate>> listeners = new ArrayList<>();
    private final ScheduledExecutorService scheduler;
    private volatile IssuedCertificate current;
    private Instant deadline;
    private int failures;
    private ScheduledFuture<?> next;
    private boolean closed;

    /**
     * @param initial the certificate in use now
     * @param random  the jitter's draws in [0, 1) (tests give fixed ones)
     */
    public CertificateManager(CertificateTemplate template, IssuedCertificate initial, Renewer renewer, Store store, Clock clock,
                              DoubleSupplier random) {
        this.template = Objects.requireNonNull(template, "template");
        this.current = Objects.requireNonNull(initial, "initial");
        this.renewer = renewer;
        this.store = store;
        this.clock = clock;
        this.random = random;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
            .name("certificate-manager-" + template.what()).factory());
    }

    /** Calls {@code listener} with every new certificate (after it is stored). Call before {@link #start()}. */
    public synchronized CertificateManager onRotation(java.util.function.Consumer<IssuedCertificate> listener) {
        listeners.add(listener);
        return this;
    }

    /** The certificate in use. */
    public IssuedCertificate current() {
        return current;
    }

    /** When the current certificate is to be renewed. */
    public synchronized Instant deadline() {
        return deadline;
    }

    /** Logs the current certificate and schedules its renewal. */
    public synchronized void start() {
        deadline = RotationDeadline.of(current.certificate(), random);
        describe("in use");
        schedule(Duration.between(clock.instant(), deadline));
    }

    /** Renews now (a test's or an operator's nudge); the next renewal is scheduled from the new certificate. */
    public synchronized void rotateNow() {
        schedule(Duration.ZERO);
    }

    private void schedule(Duration delay) {
        if (closed) return;
        if (next != null) next.cancel(false);
        next = scheduler.schedule(this::renew, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    }

    /** One renewal attempt (on the scheduler thread). */
    void renew() {
        IssuedCertificate renewed;
        try {
            renewed = renewer.renew(template);
            store.store(renewed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            retryLater(e);
            return;
        }
        List<java.util.function.Consumer<IssuedCertificate>> notify;
        synchronized (this) {
            current = renewed;
            failures = 0;
            deadline = RotationDeadline.of(renewed.certificate(), random);
            notify = List.copyOf(listeners);
            describe("rotated");
            schedule(Duration.between(clock.instant(), deadline));
        }
        for (var l : notify) {
            try {
                l.accept(renewed);
            } catch (RuntimeException e) {
                log.warn("the {} certificate rotated, but a user of it failed to take it: {}", template.what(), e.toString());
            }
        }
    }

    private synchronized void retryLater(Exception e) {
        failures++;
        long factor = 1L << Math.min(failures - 1, 20);
        Duration wait = FIRST_RETRY.multipliedBy(factor);
        if (wait.compareTo(MAX_RETRY) > 0) wait = MAX_RETRY;
        Instant end = current.certificate().getNotAfter().toInstant();
        String state = clock.instant().isAfter(end) ? "it expired at " + end
            + (template.what().equals("client") ? "; if the server no longer accepts this node, restart the agent with the join token" : "")
            : "it is valid until " + end;
        log.warn("renewing the {} certificate ({}) failed (attempt {}): {}; retrying in {} s; {}", template.what(),
            template.commonName(), failures, e.getMessage() != null ? e.getMessage() : e.toString(), wait.toSeconds(), state);
        schedule(wait);
    }

    private void describe(String what) {
        X509Certificate c = current.certificate();
        log.info("{} certificate {} {} (serial {}): valid {} to {}, rotation at {}", template.what(), c.getSubjectX500Principal().getName(),
            what, c.getSerialNumber().toString(16), c.getNotBefore().toInstant(), c.getNotAfter().toInstant(), deadline);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (next != null) next.cancel(true);
        scheduler.shutdownNow();
    }
}
