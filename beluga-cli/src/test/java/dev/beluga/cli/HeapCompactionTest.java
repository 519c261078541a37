package dev.beluga.cli;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

class HeapCompactionTest {

    @Test
    void collectsOnceAfterStartUpThenOnlyWhenTheHeapGrewByAQuarter() {
        // committed heap as read: after the first collection, then at each check (and after each further collection)
        List<Long> readings = new ArrayList<>(List.of(100L, 120L, 126L, 110L, 130L, 140L, 90L, 112L));
        List<Long> seen = new ArrayList<>();
        LongSupplier committed = () -> {
            if (readings.isEmpty()) {
                Thread.currentThread().interrupt(); // ends the loop at its next sleep
                return 0;
            }
            long value = readings.removeFirst();
            seen.add(value);
            return value;
        };
        AtomicInteger collections = new AtomicInteger();
        List<Integer> collectedAfter = new ArrayList<>();
        HeapCompaction.run(committed, () -> {
            collections.incrementAndGet();
            collectedAfter.add(seen.size());
        }, Duration.ZERO, Duration.ofMillis(1));

        assertThat(collections).hasValue(3);
        // first at start-up; then at 126 (> 1.25 × 100) and at 140 (> 1.25 × 110); not at 120, 130 or 112 (≤ 1.25 × 90)
        assertThat(collectedAfter).containsExactly(0, 3, 6);
        assertThat(Thread.interrupted()).isTrue();
    }
}
