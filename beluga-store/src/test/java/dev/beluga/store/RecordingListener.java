package dev.beluga.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A watch listener that records what it receives, for tests. */
public final class RecordingListener implements WatchListener {
    private final LinkedBlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
    public final CompletableFuture<StoreException> error = new CompletableFuture<>();

    @Override
    public void onEvents(List<WatchEvent> batch) {
        events.addAll(batch);
    }

    @Override
    public void onError(StoreException e) {
        error.complete(e);
    }

    /** Waits for exactly {@code n} events (fails if fewer arrive within the timeout). */
    public List<WatchEvent> await(int n, Duration timeout) throws InterruptedException {
        List<WatchEvent> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < n) {
            long left = deadline - System.nanoTime();
            WatchEvent e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
            if (e == null)
                throw new AssertionError("expected " + n + " events, got " + out.size() + ": " + out
                    + (error.isDone() ? " (watch error: " + error.join() + ")" : ""));
            out.add(e);
        }
        return out;
    }

    /** Events that arrive within {@code quiet} beyond those already taken. */
    public List<WatchEvent> drain(Duration quiet) throws InterruptedException {
        List<WatchEvent> out = new ArrayList<>();
        WatchEvent e;
        while ((e = events.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) out.add(e);
        return out;
    }
}
