package dev.beluga.store.embedded;

import dev.beluga.store.KeyValue;
import dev.beluga.store.PreconditionFailedException;
import dev.beluga.store.StoreClosedException;
import dev.beluga.store.StoreException;
import dev.beluga.store.StoreUnavailableException;
import dev.beluga.store.WatchEvent;
import dev.beluga.store.WriteResult;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The single thread that applies every write, in the order it is taken from the queue (group commit).
 *
 * <p>It takes all writes waiting, checks each one's precondition against the state as of the writes before it,
 * gives each successful write the next revision, stages all of them in one database transaction and commits it
 * (one fsync for the whole group). Only then does it update the index, publish the new revision to readers and
 * watchers, and complete the callers' futures: an acknowledged write is always durable, and a reader never sees a
 * revision that is not. If the commit fails (full disk, I/O error) every write of the group fails with that error and
 * nothing of it is visible; the revision counter is not advanced.
 *
 * <p>Compaction runs on this thread too, between groups, so that it never races a write.
 */
final class Committer implements Runnable {
    private static final int MAX_GROUP_OPS = 2048;
    private static final int MAX_GROUP_BYTES = 16 << 20;
    private static final int COMPACT_CHUNK = 5000;

    private final EmbeddedStore store;
    private final SqliteBackend backend;
    private final KeyIndex index;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private volatile boolean stopping;
    private long[] pendingDiscard = new long[0]; // compacted revisions still to delete from disk
    private int pendingDiscardFrom;

    Committer(EmbeddedStore store, SqliteBackend backend, KeyIndex index) {
        this.store = store;
        this.backend = backend;
        this.index = index;
    }

    CompletableFuture<WriteResult> submit(WriteOp op) {
        if (stopping) op.result().completeExceptionally(new StoreClosedException());
        else queue.add(op);
        return op.result();
    }

    CompletableFuture<Void> submitCompaction(long revision) {
        CompactOp op = new CompactOp(revision, new CompletableFuture<>());
        if (stopping) op.done().completeExceptionally(new StoreClosedException());
        else queue.add(op);
        return op.done();
    }

    void stop() {
        stopping = true;
    }

    @Override
    public void run() {
        List<Object> group = new ArrayList<>();
        while (true) {
            Object first;
            try {
                first = queue.poll(pendingDiscardFrom < pendingDiscard.length ? 0 : 200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (first == null) {
                if (stopping) break;
                if (pendingDiscardFrom < pendingDiscard.length) discardChunk();
                continue;
            }
            group.clear();
            group.add(first);
            int bytes = first instanceof WriteOp w ? w.weight() : 0;
            while (group.size() < MAX_GROUP_OPS && bytes < MAX_GROUP_BYTES && !(group.getLast() instanceof CompactOp)) {
                Object next = queue.peek();
                if (next == null || next instanceof CompactOp) break;
                queue.poll();
                group.add(next);
                bytes += ((WriteOp) next).weight();
            }
            if (first instanceof CompactOp c) compact(c);
            else commitGroup(group);
        }
        failRemaining();
    }

    private void failRemaining() {
        Object o;
        while ((o = queue.poll()) != null) {
            if (o instanceof WriteOp w) w.result().completeExceptionally(new StoreClosedException());
            else if (o instanceof CompactOp c) c.done().completeExceptionally(new StoreClosedException());
        }
    }

    /** The state of a key as of the writes applied so far in this group. */
    private record Current(long rev, long createRev, long version, byte[] value) {
        KeyValue toKeyValue(byte[] key) {
            return new KeyValue(key, value, createRev, rev, version);
        }
    }

    private void commitGroup(List<Object> group) {
        long startNanos = System.nanoTime();
        long rev = store.currentRevision();
        Map<ByteBuffer, Current> overlay = new HashMap<>();
        List<Row> rows = new ArrayList<>(group.size());
        List<WatchEvent> events = new ArrayList<>(group.size());
        Object[] outcomes = new Object[group.size()]; // WriteResult or StoreException
        try {
            for (int i = 0; i < group.size(); i++) {
                WriteOp op = (WriteOp) group.get(i);
                ByteBuffer k = ByteBuffer.wrap(op.key());
                Current cur = overlay.containsKey(k) ? overlay.get(k) : committedState(op.key());
                StoreException failed = checkPrecondition(op, cur);
                if (failed != null) {
                    outcomes[i] = failed;
                    continue;
                }
                rev++;
                KeyValue prev = cur == null ? null : cur.toKeyValue(op.key());
                Row row;
                if (op.kind() == WriteOp.Kind.DELETE) {
                    row = new Row(rev, op.key(), cur.createRev(), 0, cur.rev(), new byte[0]);
                    overlay.put(k, null);
                    KeyValue tomb = new KeyValue(op.key(), new byte[0], 0, rev, 0);
                    events.add(new WatchEvent(WatchEvent.Type.DELETE, tomb, prev));
                    outcomes[i] = new WriteResult(rev, tomb, prev);
                } else {
                    long createRev = cur == null ? rev : cur.createRev();
                    long version = cur == null ? 1 : cur.version() + 1;
                    row = new Row(rev, op.key(), createRev, version, cur == null ? 0 : cur.rev(), op.value());
                    overlay.put(k, new Current(rev, createRev, version, op.value()));
                    KeyValue kv = row.toKeyValue();
                    events.add(new WatchEvent(WatchEvent.Type.PUT, kv, prev));
                    outcomes[i] = new WriteResult(rev, kv, prev);
                }
                rows.add(row);
            }
            if (!rows.isEmpty()) {
                backend.begin();
                backend.insert(rows);
                backend.commit();
            }
        } catch (StoreException e) {
            backend.rollback();
            for (Object o : group) ((WriteOp) o).result().completeExceptionally(e);
            store.metrics().commitFailed();
            return;
        } catch (RuntimeException e) {
            backend.rollback();
            StoreException se = new StoreUnavailableException("store write failed: " + e, e);
            for (Object o : group) ((WriteOp) o).result().completeExceptionally(se);
            return;
        }
        for (Row r : rows) index.apply(r);
        store.metrics().committed(group.size(), rows.size(), System.nanoTime() - startNanos);
        if (!rows.isEmpty()) store.publish(rev, events);
        for (int i = 0; i < group.size(); i++) {
            CompletableFuture<WriteResult> f = ((WriteOp) group.get(i)).result();
            if (outcomes[i] instanceof WriteResult r) f.complete(r);
            else f.completeExceptionally((StoreException) outcomes[i]);
        }
    }

    private Current committedState(byte[] key) {
        KeyHistory h = index.get(key);
        if (h == null) return null;
        int i = h.latestLiveIndex();
        if (i < 0) return null;
        long rev = h.revAt(i);
        byte[] value = backend.valueOnWriter(rev);
        if (value == null) throw new StoreUnavailableException("value of revision " + rev + " is missing", null);
        return new Current(rev, h.createRevAt(i), h.versionAt(i), value);
    }

    private static StoreException checkPrecondition(WriteOp op, Current cur) {
        String key = new String(op.key(), StandardCharsets.UTF_8);
        return switch (op.kind()) {
            case PUT -> null;
            case CREATE -> cur == null ? null
                : new PreconditionFailedException(PreconditionFailedException.Reason.KEY_EXISTS, key, cur.toKeyValue(op.key()), null);
            case UPDATE, DELETE -> {
                if (cur == null) yield new PreconditionFailedException(PreconditionFailedException.Reason.KEY_NOT_FOUND, key, null, null);
                if (op.expected() != 0 && op.expected() != cur.rev())
                    yield new PreconditionFailedException(PreconditionFailedException.Reason.MOD_REVISION_MISMATCH, key,
                        cur.toKeyValue(op.key()), "expected modRevision " + op.expected() + ", found " + cur.rev());
                yield null;
            }
        };
    }

    private record CompactOp(long revision, CompletableFuture<Void> done) {
    }

    private void compact(CompactOp op) {
        try {
            if (op.revision() > store.compactedRevision()) {
                backend.begin();
                backend.setMeta("compacted_revision", Long.toString(op.revision()));
                backend.commit();
                store.publishCompaction(op.revision());
                pruneIndex(op.revision());
            }
            op.done().complete(null);
        } catch (StoreException e) {
            backend.rollback();
            op.done().completeExceptionally(e);
        }
    }

    /**
     * Drops compacted revisions from the index and queues their rows for deletion, which then proceeds in chunks
     * between write groups. Also used at open to finish a compaction that a crash interrupted.
     */
    void pruneIndex(long revision) {
        long[] discard = new long[1024];
        int n = 0;
        List<byte[]> keys = new ArrayList<>();
        for (var e : index.entries()) keys.add(e.getKey());
        for (byte[] key : keys) {
            KeyHistory h = index.get(key);
            long[] revs = h.revisionsToDiscard(revision);
            if (revs.length == 0) continue;
            index.replace(key, h.dropFirst(revs.length));
            if (n + revs.length > discard.length) discard = java.util.Arrays.copyOf(discard, Math.max(discard.length * 2, n + revs.length));
            System.arraycopy(revs, 0, discard, n, revs.length);
            n += revs.length;
        }
        long[] remaining = java.util.Arrays.copyOfRange(pendingDiscard, pendingDiscardFrom, pendingDiscard.length);
        long[] all = new long[remaining.length + n];
        System.arraycopy(remaining, 0, all, 0, remaining.length);
        System.arraycopy(discard, 0, all, remaining.length, n);
        pendingDiscard = all;
        pendingDiscardFrom = 0;
    }

    /** Deletes one chunk of compacted rows (commit thread). */
    private void discardChunk() {
        int to = Math.min(pendingDiscard.length, pendingDiscardFrom + COMPACT_CHUNK);
        try {
            backend.begin();
            backend.deleteRevisions(pendingDiscard, pendingDiscardFrom, to);
            backend.commit();
            pendingDiscardFrom = to;
            if (pendingDiscardFrom == pendingDiscard.length) {
                pendingDiscard = new long[0];
                pendingDiscardFrom = 0;
            }
        } catch (StoreException e) {
            backend.rollback(); // retried later; the rows are unreachable through the index meanwhile
        }
    }

    /** Deletes every queued compacted row now (used at open and close). */
    void discardAll() {
        while (pendingDiscardFrom < pendingDiscard.length) {
            int before = pendingDiscardFrom;
            discardChunk();
            if (pendingDiscardFrom == before) return;
        }
    }
}
