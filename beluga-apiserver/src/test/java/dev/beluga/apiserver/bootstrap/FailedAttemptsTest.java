package dev.beluga.apiserver.bootstrap;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class FailedAttemptsTest {
    /** A clock the test moves. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void anAddressIsRefusedAfterTheLimitUntilItsOldestFailureLeavesTheWindow() {
        TestClock clock = new TestClock();
        FailedAttempts f = new FailedAttempts(3, Duration.ofSeconds(60), clock);
        f.failed("10.0.0.1");
        clock.now = clock.now.plusSeconds(10);
        f.failed("10.0.0.1");
        assertThat(f.retryAfterSeconds("10.0.0.1")).isZero();
        f.failed("10.0.0.1");
        assertThat(f.retryAfterSeconds("10.0.0.1")).isEqualTo(50);
        assertThat(f.retryAfterSeconds("10.0.0.2")).isZero();
        clock.now = clock.now.plusSeconds(50);
        assertThat(f.retryAfterSeconds("10.0.0.1")).isZero();
    }

    @Test
    void successForgetsTheFailures() {
        TestClock clock = new TestClock();
        FailedAttempts f = new FailedAttempts(2, Duration.ofSeconds(60), clock);
        f.failed("a");
        f.succeeded("a");
        f.failed("a");
        assertThat(f.retryAfterSeconds("a")).isZero();
        f.failed("a");
        assertThat(f.retryAfterSeconds("a")).isPositive();
    }

    @Test
    void theNumberOfAddressesTrackedIsBounded() {
        TestClock clock = new TestClock();
        FailedAttempts f = new FailedAttempts(1, Duration.ofSeconds(60), clock);
        for (int i = 0; i < FailedAttempts.MAX_ADDRESSES + 10; i++) f.failed("addr-" + i);
        assertThat(f.retryAfterSeconds("addr-" + (FailedAttempts.MAX_ADDRESSES + 9))).isPositive();
    }
}
