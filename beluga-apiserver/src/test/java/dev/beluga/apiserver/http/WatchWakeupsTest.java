package dev.beluga.apiserver.http;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** The watch streams' shared clock: lingers end on its ticks alone, due streams are woken, interrupts end a linger. */
class WatchWakeupsTest {

    @Test
    void aLingerEndsOnTheClockNotOnAnUnpark() throws Exception {
        WatchWakeups wakeups = new WatchWakeups(TimeUnit.SECONDS.toNanos(1));
        AtomicReference<Thread> lingering = new AtomicReference<>();
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
            lingering.set(Thread.currentThread());
            try {
                wakeups.linger();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        while (lingering.get() == null) Thread.onSpinWait();
        LockSupport.unpark(lingering.get()); // what an event's offer or a due sweep may do meanwhile
        Thread.sleep(200);
        assertThat(done).as("an unpark does not end the linger; the clock's second tick does").isNotDone();
        done.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aStreamWhoseTimeIsDueIsWokenAndOneNotDueIsNot() throws Exception {
        WatchWakeups wakeups = new WatchWakeups(TimeUnit.MILLISECONDS.toNanos(1));
        CompletableFuture<Void> due = CompletableFuture.runAsync(() -> parkUntilWoken(wakeups, System.currentTimeMillis()));
        CompletableFuture<Void> later = CompletableFuture.runAsync(() -> parkUntilWoken(wakeups, System.currentTimeMillis() + 60_000));
        due.get(10, TimeUnit.SECONDS);
        Thread.sleep(3 * WatchWakeups.SWEEP_MILLIS);
        assertThat(later).as("not due for a minute").isNotDone();
        later.cancel(true);
    }

    @Test
    void anInterruptEndsALinger() throws Exception {
        WatchWakeups wakeups = new WatchWakeups(TimeUnit.SECONDS.toNanos(30));
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                wakeups.linger();
            } catch (Throwable e) {
                ended.set(e);
            }
        });
        Thread.sleep(50);
        t.interrupt();
        assertThat(t.join(java.time.Duration.ofSeconds(10))).isTrue();
        assertThat(ended.get()).isInstanceOf(InterruptedException.class);
    }

    /** Registers, then parks until unparked (the test's own spurious wake-ups aside, nothing else unparks it). */
    private static void parkUntilWoken(WatchWakeups wakeups, long dueMillis) {
        try (WatchWakeups.Ticket ignored = wakeups.register(dueMillis)) {
            LockSupport.park();
        }
    }
}
