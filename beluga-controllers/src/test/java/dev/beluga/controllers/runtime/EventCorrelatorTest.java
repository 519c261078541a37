package dev.beluga.controllers.runtime;

import dev.beluga.controllers.testing.MutableClock;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Aggregation, count increments and the spam filter, as client-go's EventCorrelator. */
class EventCorrelatorTest {
    private static final AtomicInteger names = new AtomicInteger();

    private static Event event(String object, String reason, String message) {
        return new EventBuilder().withNewMetadata().withNamespace("default").withName(object + "." + names.incrementAndGet()).endMetadata()
            .withNewInvolvedObject().withKind("ReplicaSet").withNamespace("default").withName(object).withUid("uid-" + object).endInvolvedObject()
            .withType("Normal").withReason(reason).withMessage(message).withNewSource().withComponent("replicaset-controller").endSource()
            .withLastTimestamp("2026-01-01T00:00:00Z").build();
    }

    @Test
    void similarEventsAreCombinedAfterTenThenCounted() {
        EventCorrelator c = new EventCorrelator(new MutableClock(Instant.parse("2026-01-01T00:00:00Z")));
        for (int i = 0; i < 10; i++)
            assertThat(c.correlate(event("web", "SuccessfulCreate", "Created pod: web-" + i))).isInstanceOf(EventCorrelator.Create.class);
        EventCorrelator.Decision combined = c.correlate(event("web", "SuccessfulCreate", "Created pod: web-10"));
        assertThat(combined).isInstanceOfSatisfying(EventCorrelator.Create.class,
            cr -> assertThat(cr.event().getMessage()).isEqualTo("(combined from similar events): Created pod: web-10"));
        String name = ((EventCorrelator.Create) combined).event().getMetadata().getName();
        assertThat(c.correlate(event("web", "SuccessfulCreate", "Created pod: web-11"))).isInstanceOfSatisfying(EventCorrelator.Increment.class, inc -> {
            assertThat(inc.name()).isEqualTo(name);
            assertThat(inc.count()).isEqualTo(2);
        });
        // another object is not affected
        assertThat(c.correlate(event("db", "SuccessfulCreate", "Created pod: db-0"))).isInstanceOf(EventCorrelator.Create.class);
    }

    @Test
    void identicalEventsRaiseTheCount() {
        EventCorrelator c = new EventCorrelator(new MutableClock(Instant.parse("2026-01-01T00:00:00Z")));
        EventCorrelator.Create first = (EventCorrelator.Create) c.correlate(event("x", "FailedCreate", "quota exceeded"));
        assertThat(c.correlate(event("x", "FailedCreate", "quota exceeded"))).isInstanceOfSatisfying(EventCorrelator.Increment.class,
            inc -> assertThat(inc.name()).isEqualTo(first.event().getMetadata().getName()));
    }

    @Test
    void spamBeyondTheBurstIsDroppedUntilTokensRefill() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        EventCorrelator c = new EventCorrelator(clock);
        for (int i = 0; i < EventCorrelator.SPAM_BURST; i++)
            assertThat(c.correlate(event("noisy", "R" + i, "m"))).isNotInstanceOf(EventCorrelator.Drop.class);
        assertThat(c.correlate(event("noisy", "Rx", "m"))).isInstanceOf(EventCorrelator.Drop.class);
        clock.advance(Duration.ofMinutes(5));
        assertThat(c.correlate(event("noisy", "Ry", "m"))).isInstanceOf(EventCorrelator.Create.class);
        assertThat(c.correlate(event("noisy", "Rz", "m"))).isInstanceOf(EventCorrelator.Drop.class);
    }
}
