package dev.beluga.controllers.runtime;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The work queue's client-go semantics: dedupe, one worker per key, re-queue after done, delayed adds merged. */
class WorkQueueTest {
    private static WorkQueue<String> queue() {
        return new WorkQueue<>(RateLimiters.controllerDefault(), "test");
    }

    @Test
    void duplicatesAreProcessedOnceInFifoOrder() throws Exception {
        try (WorkQueue<String> q = queue()) {
            q.add("a");
            q.add("b");
            q.add("a");
            assertThat(q.length()).isEqualTo(2);
            assertThat(q.get()).isEqualTo("a");
            assertThat(q.get()).isEqualTo("b");
        }
    }

    @Test
    void anItemAddedWhileProcessingIsQueuedAgainOnlyAfterDone() throws Exception {
        try (WorkQueue<String> q = queue()) {
            q.add("a");
            assertThat(q.get()).isEqualTo("a");
            q.add("a");
            assertThat(q.length()).as("not handed to a second worker while processing").isZero();
            q.done("a");
            assertThat(q.length()).isEqualTo(1);
            assertThat(q.get()).isEqualTo("a");
            q.done("a");
            assertThat(q.length()).isZero();
        }
    }

    @Test
    void delayedAddsOfOneItemWaitOnceAndTheEarliestWins() throws Exception {
        try (WorkQueue<String> q = queue()) {
            q.addAfter("a", Duration.ofHours(1));
            q.addAfter("a", Duration.ofHours(2));
            assertThat(q.waitingCount()).isEqualTo(1);
            q.addAfter("a", Duration.ofMillis(50));
            assertThat(q.waitingCount()).isEqualTo(1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (q.length() == 0 && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(q.length()).as("the earlier time replaced the hour-long wait").isEqualTo(1);
            assertThat(q.waitingCount()).isZero();
        }
    }

    @Test
    void shutDownReleasesWorkers() throws Exception {
        WorkQueue<String> q = queue();
        Thread worker = Thread.ofVirtual().start(() -> {
            try {
                assertThat(q.get()).isNull();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(50);
        q.shutDown();
        worker.join(5000);
        assertThat(worker.isAlive()).isFalse();
    }
}
