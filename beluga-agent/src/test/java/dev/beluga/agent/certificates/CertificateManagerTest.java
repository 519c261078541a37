package dev.beluga.agent.certificates;

import dev.beluga.pki.CertificateAuthority;
import dev.beluga.pki.IssuedCertificate;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rotation loop with an injectable clock and a fake renewer (a function issuing from a local CA, no API server):
 * renewal at the deadline, at once when the deadline has passed, store before listeners, retries with backoff.
 */
class CertificateManagerTest {
    static final CertificateAuthority CA = CertificateAuthority.create("test", Duration.ofDays(1));
    static final CertificateTemplate TEMPLATE = CertificateTemplate.nodeClient("n1");

    static IssuedCertificate cert(Duration validity) {
        return CA.issueClient("system:node:n1", List.of("system:nodes"), validity);
    }

    static void await(String what, java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < end) {
            if (c.getAsBoolean()) return;
            Thread.sleep(20);
        }
        throw new AssertionError("timed out: " + what);
    }

    @Test
    void aCertificatePastItsDeadlineIsRenewedAtOnceThenTheNextIsScheduled() throws Exception {
        IssuedCertificate initial = cert(Duration.ofHours(1));
        // a clock 55 minutes ahead: past 70-90 % of the initial certificate's life
        Clock late = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(55));
        List<String> order = new CopyOnWriteArrayList<>();
        AtomicInteger renewals = new AtomicInteger();
        CertificateManager.Renewer fakeRenewer = t -> {
            renewals.incrementAndGet();
            return cert(Duration.ofDays(1).minusHours(1));
        };
        try (CertificateManager m = new CertificateManager(TEMPLATE, initial, fakeRenewer, c -> order.add("store " + c.certificate().getSerialNumber()),
            late, () -> 0.5)) {
            m.onRotation(c -> order.add("use " + c.certificate().getSerialNumber()));
            m.start();
            await("renewed", () -> renewals.get() == 1 && m.current() != initial);
            String serial = m.current().certificate().getSerialNumber().toString();
            await("listener called", () -> order.size() == 2);
            assertThat(order).containsExactly("store " + serial, "use " + serial);
            // the next one is due at 80 % of the new certificate's life, far away: no second renewal
            Instant nb = m.current().certificate().getNotBefore().toInstant();
            Duration life = Duration.between(nb, m.current().certificate().getNotAfter().toInstant());
            assertThat(m.deadline()).isEqualTo(nb.plusMillis(Math.round(life.toMillis() * 0.8)));
            Thread.sleep(300);
            assertThat(renewals.get()).isEqualTo(1);
        }
    }

    @Test
    void renewalWaitsForTheDeadline() throws Exception {
        // 4 s certificate (backdated 2 s: lifetime 6 s); r = 0 puts the deadline at 4.2 s after notBefore = ~2.2 s from now
        IssuedCertificate initial = cert(Duration.ofSeconds(4));
        AtomicInteger renewals = new AtomicInteger();
        long[] at = new long[1];
        try (CertificateManager m = new CertificateManager(TEMPLATE, initial, t -> {
            at[0] = System.currentTimeMillis();
            renewals.incrementAndGet();
            return cert(Duration.ofHours(1));
        }, c -> { }, Clock.systemUTC(), () -> 0.0)) {
            m.start();
            Instant deadline = m.deadline();
            assertThat(deadline).isEqualTo(initial.certificate().getNotBefore().toInstant().plusMillis(4200));
            await("renewed", () -> renewals.get() == 1);
            assertThat(at[0]).isGreaterThanOrEqualTo(deadline.toEpochMilli() - 20); // the scheduler's clock is not the wall clock
        }
    }

    @Test
    void failuresAreRetriedWithBackoffAndKeepTheOldCertificate() throws Exception {
        IssuedCertificate initial = cert(Duration.ofHours(1));
        List<Long> attempts = new CopyOnWriteArrayList<>();
        try (CertificateManager m = new CertificateManager(TEMPLATE, initial, t -> {
            attempts.add(System.nanoTime());
            if (attempts.size() < 3) throw new IllegalStateException("the server said no (fake)");
            return cert(Duration.ofHours(2));
        }, c -> { }, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(59)), () -> 0.0)) {
            m.start();
            await("first failure", () -> attempts.size() == 1);
            assertThat(m.current()).isSameAs(initial);
            await("renewed on the third attempt", () -> m.current() != initial);
            assertThat(attempts).hasSize(3);
            // 2 s, then 4 s
            assertThat(Duration.ofNanos(attempts.get(1) - attempts.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
            assertThat(Duration.ofNanos(attempts.get(2) - attempts.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(3900));
        }
    }
}
