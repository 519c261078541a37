package dev.beluga.apiserver.registry;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A watcher's lock-free buffer: first in first out, bounded, and safe between one producer and one consumer. */
class EventRingTest {

    private static CacheEvent event(long revision) {
        return new CacheEvent(CacheEvent.Type.MODIFIED, null, null, revision);
    }

    @Test
    void keepsOrderAcrossTheEndOfTheArrayAndRefusesBeyondCapacity() {
        EventRing ring = new EventRing(3);
        assertThat(ring.isEmpty()).isTrue();
        assertThat(ring.poll()).isNull();
        long next = 1;
        for (int round = 0; round < 5; round++) {
            long first = next;
            for (int i = 0; i < 3; i++) assertThat(ring.offer(event(next++))).isTrue();
            assertThat(ring.offer(event(99))).as("full: refused").isFalse();
            assertThat(ring.isEmpty()).isFalse();
            for (int i = 0; i < 3; i++) assertThat(ring.poll().revision()).isEqualTo(first + i);
            assertThat(ring.poll()).isNull();
            assertThat(ring.isEmpty()).isTrue();
        }
    }

    @Test
    void aProducerAndAConsumerOnTwoThreadsPassEveryEventOnceInOrder() throws Exception {
        EventRing ring = new EventRing(64);
        int n = 1_000_000;
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
            for (long i = 1; i <= n; i++) {
                CacheEvent e = event(i);
                while (!ring.offer(e)) Thread.onSpinWait();
            }
        });
        long expected = 1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (expected <= n && System.nanoTime() < deadline) {
            CacheEvent e = ring.poll();
            if (e == null) {
                Thread.onSpinWait();
                continue;
            }
            assertThat(e.revision()).isEqualTo(expected);
            expected++;
        }
        producer.get(10, TimeUnit.SECONDS);
        assertThat(expected - 1).isEqualTo(n);
        assertThat(ring.poll()).isNull();
    }
}
