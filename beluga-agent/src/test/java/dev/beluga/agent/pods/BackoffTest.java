package dev.beluga.agent.pods;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {
    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-12-02T10:00:00Z");

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

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    @Test
    void crashLoopDoublesFromTenSecondsToFiveMinutes() {
        ManualClock clock = new ManualClock();
        Backoff b = Backoff.crashLoop(clock);
        assertFalse(b.inBackoffSince("p/c", clock.instant()), "the first restart is immediate");
        Duration[] expected = {Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(40), Duration.ofSeconds(80),
            Duration.ofSeconds(160), Duration.ofSeconds(300), Duration.ofSeconds(300)};
        for (Duration d : expected) {
            b.next("p/c");
            assertEquals(d, b.delay("p/c"));
            Instant exited = clock.instant();
            assertTrue(b.inBackoffSince("p/c", exited));
            clock.advance(d.minusSeconds(1));
            assertTrue(b.inBackoffSince("p/c", exited));
            assertEquals(Duration.ofSeconds(1), b.remaining("p/c", exited));
            clock.advance(Duration.ofSeconds(1));
            assertFalse(b.inBackoffSince("p/c", exited));
        }
    }

    @Test
    void keysAreIndependentAndResetAfterTwiceTheMaximum() {
        ManualClock clock = new ManualClock();
        Backoff b = Backoff.crashLoop(clock);
        b.next("a");
        b.next("a");
        assertEquals(Duration.ofSeconds(20), b.delay("a"));
        assertEquals(Duration.ZERO, b.delay("b"));
        clock.advance(Duration.ofMinutes(11));
        assertEquals(Duration.ZERO, b.delay("a"), "a container that ran ten minutes starts over");
        b.next("a");
        assertEquals(Duration.ofSeconds(10), b.delay("a"));
        b.resetPrefix("a");
        assertEquals(Duration.ZERO, b.delay("a"));
    }

    @Test
    void inBackoffSinceUpdateIsForPulls() {
        ManualClock clock = new ManualClock();
        Backoff b = new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(5), clock);
        assertFalse(b.inBackoffSinceUpdate("img"));
        b.next("img");
        assertTrue(b.inBackoffSinceUpdate("img"));
        clock.advance(Duration.ofSeconds(10));
        assertFalse(b.inBackoffSinceUpdate("img"));
    }
}
