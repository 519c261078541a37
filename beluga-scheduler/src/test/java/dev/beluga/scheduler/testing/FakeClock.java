package dev.beluga.scheduler.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that only moves when told to. Thread-safe. */
public final class FakeClock extends Clock {
    private volatile Instant now;

    public FakeClock() {
        this(Instant.parse("2025-01-01T00:00:00Z"));
    }

    public FakeClock(Instant start) {
        this.now = start;
    }

    public synchronized void advance(Duration d) {
        now = now.plus(d);
    }

    public void advanceMillis(long ms) {
        advance(Duration.ofMillis(ms));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
