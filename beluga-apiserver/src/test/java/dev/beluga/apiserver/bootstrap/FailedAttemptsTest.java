package dev.beluga.apiserver.bootstrap;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class FailedAttemptsTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void anAddressIsRefusedAfterTheLimitUntilItsOldestFailureLeavesTheWindow() {
        AtomicReference<Instant> now = new AtomicReference<>(START);
        FailedAttempts f = new FailedAttempts(3, Duration.ofSeconds(60), now::get);
        f.failed("10.0.0.1");
        now.set(START.plusSeconds(10));
        f.failed("10.0.0.1");
        assertThat(f.retryAfterSeconds("10.0.0.1")).isZero();
        f.failed("10.0.0.1");
        assertThat(f.retryAfterSeconds("10.0.0.1")).isEqualTo(50);
        assertThat(f.retryAfterSeconds("10.0.0.2")).isZero();
        now.set(START.plusSeconds(60));
        assertThat(f.retryAfterSeconds("10.0.0.1")).isZero();
    }

    @Test
    void successForgetsTheFailures() {
        FailedAttempts f = new FailedAttempts(2, Duration.ofSeconds(60), () -> START);
        f.failed("a");
        f.succeeded("a");
        f.failed("a");
        assertThat(f.retryAfterSeconds("a")).isZero();
        f.failed("a");
        assertThat(f.retryAfterSeconds("a")).isPositive();
    }

    @Test
    void theNumberOfAddressesTrackedIsBounded() {
        FailedAttempts f = new FailedAttempts(1, Duration.ofSeconds(60), () -> START);
        for (int i = 0; i < FailedAttempts.MAX_ADDRESSES + 10; i++) f.failed("addr-" + i);
        assertThat(f.retryAfterSeconds("addr-" + (FailedAttempts.MAX_ADDRESSES + 9))).isPositive();
    }
}
