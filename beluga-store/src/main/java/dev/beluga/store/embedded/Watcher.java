package dev.beluga.store.embedded;

import dev.beluga.store.CompactedException;
import dev.beluga.store.KeyRange;
import dev.beluga.store.KeyValue;
import dev.beluga.store.StoreClosedException;
import dev.beluga.store.StoreException;
import dev.beluga.store.StoreUnavailableException;
import dev.beluga.store.Watch;
import dev.beluga.store.WatchEvent;
import dev.beluga.store.WatchListener;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Delivers one watch on its own virtual thread. It keeps a cursor (the last revision examined) and repeatedly takes
 * the events after it: from the in-memory {@link EventLog} while it keeps up, from the database when it has fallen
 * behind. Because every revision is visited exactly once and in order, no event is lost or repeated, whatever the
 * listener's speed.
 */
final class Watcher implements Watch, Runnable {
    private static final int BATCH = 512;

    private final EmbeddedStore store;
    private final KeyRange range;
    private final WatchListener listener;
    private final long progressNanos;
    private volatile boolean closed;
    private long cursor;
    private Thread thread;

    Watcher(EmbeddedStore store, KeyRange range, long afterRevision, WatchListener listener, long progressNanos) {
        this.store = store;
        this.range = range;
        this.cursor = afterRevision;
        this.listener = listener;
        this.progressNanos = progressNanos;
    }

    void start() {
        thread = Thread.ofVirtual().name("store-watch-" + range).start(this);
    }

    @Override
    public void close() {
        closed = true;
        store.wakeWatchers();
    }

    @Override
    public void run() {
        long lastDelivery = System.nanoTime();
        try {
            while (!closed) {
                long committed = store.currentRevision();
                if (committed <= cursor) {
                    if (store.isClosed()) throw new StoreClosedException();
                    boolean woke = store.awaitRevisionAfter(cursor, progressNanos);
                    if (!woke && !closed && System.nanoTime() - lastDelivery >= progressNanos) {
                        listener.onProgress(cursor);
                        lastDelivery = System.nanoTime();
                    }
                    continue;
                }
                List<WatchEvent> batch = store.eventLog().after(cursor, BATCH);
                if (batch == null) batch = fromDisk(committed);
                if (batch.isEmpty()) continue;
                List<WatchEvent> matching = new ArrayList<>();
                for (WatchEvent e : batch) if (range.contains(e.kv().key())) matching.add(e);
                cursor = batch.getLast().revision();
                if (!matching.isEmpty() && !closed) {
                    listener.onEvents(matching);
                    lastDelivery = System.nanoTime();
                } else if (!closed && store.currentRevision() == cursor) {
                    listener.onProgress(cursor); // caught up: lets caches serve consistent reads at once
                }
            }
        } catch (StoreException e) {
            store.watcherEnded(this);
            if (!closed) listener.onError(e);
            return;
        } catch (RuntimeException e) {
            store.watcherEnded(this);
            if (!closed) listener.onError(new StoreUnavailableException("watch failed: " + e, e));
            return;
        }
        store.watcherEnded(this);
    }

    /** Reads the events after the cursor back from the database. */
    private List<WatchEvent> fromDisk(long committed) {
        if (cursor < store.compactedRevision()) throw new CompactedException(cursor, store.compactedRevision());
        List<Row> rows = store.backend().rowsAfter(cursor, committed, BATCH);
        long expect = cursor + 1;
        List<Long> prevRevs = new ArrayList<>();
        for (Row r : rows) {
            if (r.rev() != expect++) break;
            if (r.prevRev() != 0) prevRevs.add(r.prevRev());
        }
        if (rows.isEmpty() || rows.getFirst().rev() != cursor + 1 || cursor < store.compactedRevision())
            throw new CompactedException(cursor, store.compactedRevision());
        Map<Long, Row> prevs = prevRows(prevRevs);
        List<WatchEvent> out = new ArrayList<>(rows.size());
        long want = cursor + 1;
        for (Row r : rows) {
            if (r.rev() != want++) break; // a gap can only come from a concurrent compaction; caught next round
            KeyValue prev = null;
            if (r.prevRev() != 0) {
                Row p = prevs.get(r.prevRev());
                if (p == null) throw new CompactedException(cursor, store.compactedRevision());
                prev = p.toKeyValue();
            }
            if (r.isTombstone())
                out.add(new WatchEvent(WatchEvent.Type.DELETE, new KeyValue(r.key(), new byte[0], 0, r.rev(), 0), prev));
            else out.add(new WatchEvent(WatchEvent.Type.PUT, r.toKeyValue(), prev));
        }
        return out;
    }

    private Map<Long, Row> prevRows(List<Long> revs) {
        Map<Long, Row> out = new HashMap<>();
        for (long rev : revs) {
            Row r = store.backend().row(rev);
            if (r != null) out.put(rev, r);
        }
        return out;
    }

    void join(long millis) throws InterruptedException {
        if (thread != null) thread.join(millis);
    }
}
