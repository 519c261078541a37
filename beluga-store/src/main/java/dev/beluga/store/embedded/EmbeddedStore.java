package dev.beluga.store.embedded;

import dev.beluga.store.CompactedException;
import dev.beluga.store.FutureRevisionException;
import dev.beluga.store.KeyRange;
import dev.beluga.store.KeyValue;
import dev.beluga.store.KvStore;
import dev.beluga.store.RangeResult;
import dev.beluga.store.StoreClosedException;
import dev.beluga.store.StoreCorruptException;
import dev.beluga.store.StoreException;
import dev.beluga.store.StoreUnavailableException;
import dev.beluga.store.Watch;
import dev.beluga.store.WatchEvent;
import dev.beluga.store.WatchListener;
import dev.beluga.store.WriteResult;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The default store: durable on local disk, in one process, with no external service.
 *
 * <p>Layout: an SQLite database ({@link SqliteBackend}) holds one row per revision; an in-memory {@link KeyIndex}
 * maps every key to its revisions; an in-memory {@link EventLog} holds the latest events for watchers. All writes go
 * through the single {@link Committer} thread (group commit: one fsync per group, acknowledged only after it).
 * Reads run concurrently on any thread against the published revision.
 *
 * <p>Opening rebuilds the index from the revision log (only small rows are read, values stay on disk) and finishes
 * any compaction a crash interrupted.
 */
public final class EmbeddedStore implements KvStore {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedStore.class);

    /** Tunables; {@link #defaults()} suits the API server. */
    public record Options(int eventLogEvents, long eventLogBytes, Duration progressInterval, PrometheusRegistry registry) {
        public static Options defaults() {
            return new Options(65_536, 64L << 20, Duration.ofSeconds(5), new PrometheusRegistry());
        }

        public Options withRegistry(PrometheusRegistry r) {
            return new Options(eventLogEvents, eventLogBytes, progressInterval, r);
        }

        public Options withProgressInterval(Duration d) {
            return new Options(eventLogEvents, eventLogBytes, d, registry);
        }
    }

    private final DataDirectory dir;
    private final SqliteBackend backend;
    private final KeyIndex index = new KeyIndex();
    private final EventLog eventLog;
    private final Committer committer;
    private final Thread commitThread;
    private final ScheduledExecutorService checkpointer;
    private final StoreMetrics metrics;
    private final Options options;
    private final String clusterId;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();
    private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();
    private volatile long committedRevision;
    private volatile long compactedRevision;
    private volatile boolean closed;

    private EmbeddedStore(DataDirectory dir, SqliteBackend backend, Options options) {
        this.dir = dir;
        this.backend = backend;
        this.options = options;
        this.metrics = new StoreMetrics(options.registry());
        this.eventLog = new EventLog(options.eventLogEvents(), options.eventLogBytes());
        this.committer = new Committer(this, backend, index);
        this.clusterId = backend.meta("cluster_id");
        this.commitThread = Thread.ofPlatform().name("store-commit").daemon(true).unstarted(committer);
        this.checkpointer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("store-checkpoint").daemon(true).unstarted(r));
    }

    /** Opens the store in {@code directory}, creating it when the directory is empty or absent. */
    public static EmbeddedStore open(Path directory) {
        return open(directory, Options.defaults());
    }

    public static EmbeddedStore open(Path directory, Options options) {
        long t0 = System.nanoTime();
        DataDirectory dir = DataDirectory.open(directory);
        SqliteBackend backend;
        try {
            backend = dir.isFresh() ? SqliteBackend.create(dir.dbFile(), UUID.randomUUID().toString())
                : SqliteBackend.openExisting(dir.dbFile());
        } catch (RuntimeException e) {
            dir.close();
            throw e;
        }
        EmbeddedStore store = new EmbeddedStore(dir, backend, options);
        try {
            store.recover();
        } catch (RuntimeException e) {
            backend.close();
            dir.close();
            throw e;
        }
        store.commitThread.start();
        store.checkpointer.scheduleWithFixedDelay(() -> { backend.checkpoint(); }, 1, 1, TimeUnit.SECONDS);
        log.info("embedded store open at {}: revision {}, {} keys, compacted at {} ({} ms)", directory,
            store.committedRevision, store.index.keyCount(), store.compactedRevision, (System.nanoTime() - t0) / 1_000_000);
        return store;
    }

    private void recover() {
        long[] last = {0};
        long[] expected = {0};
        backend.scanLog(row -> {
            if (row.rev() <= last[0]) throw new StoreCorruptException("revision log out of order at " + row.rev());
            last[0] = row.rev();
            index.apply(row);
        });
        String compacted = backend.meta("compacted_revision");
        compactedRevision = compacted == null ? 0 : Long.parseLong(compacted);
        committedRevision = Math.max(last[0], compactedRevision);
        expected[0] = committedRevision;
        if (compactedRevision > 0) {
            committer.pruneIndex(compactedRevision);
            committer.discardAll();
        }
        eventLog.resetAfter(committedRevision);
        metrics.revision(committedRevision);
        metrics.compacted(compactedRevision);
    }

    @Override
    public String backendName() {
        return "embedded";
    }

    /** The store's identity, created with it. */
    public String clusterId() {
        return clusterId;
    }

    public Path directory() {
        return dir.path();
    }

    @Override
    public long currentRevision() {
        return committedRevision;
    }

    @Override
    public long compactedRevision() {
        return compactedRevision;
    }

    @Override
    public RangeResult range(KeyRange range, long revision, int limit, boolean keysOnly) {
        ensureOpen();
        long readRev = revision == 0 ? committedRevision : revision;
        if (readRev > committedRevision) throw new FutureRevisionException(readRev, committedRevision);
        if (readRev < compactedRevision) throw new CompactedException(readRev, compactedRevision);
        List<byte[]> keys = new ArrayList<>();
        List<long[]> meta = new ArrayList<>();
        long[] count = {0};
        int max = limit <= 0 ? Integer.MAX_VALUE : limit;
        index.forEachIn(range, (key, h) -> {
            int i = h.liveIndexAt(readRev);
            if (i < 0) return;
            count[0]++;
            if (keys.size() < max) {
                keys.add(key);
                meta.add(new long[] {h.revAt(i), h.createRevAt(i), h.versionAt(i)});
            }
        });
        Map<Long, byte[]> values = Map.of();
        if (!keysOnly && !keys.isEmpty()) {
            long[] revs = new long[keys.size()];
            for (int i = 0; i < revs.length; i++) revs[i] = meta.get(i)[0];
            values = backend.values(revs);
        }
        List<KeyValue> kvs = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            long[] m = meta.get(i);
            byte[] v = keysOnly ? new byte[0] : values.get(m[0]);
            if (v == null) {
                if (readRev < compactedRevision) throw new CompactedException(readRev, compactedRevision);
                throw new StoreUnavailableException("value of revision " + m[0] + " is missing from the store", null);
            }
            kvs.add(new KeyValue(keys.get(i), v, m[1], m[0], m[2]));
        }
        if (readRev < compactedRevision) throw new CompactedException(readRev, compactedRevision);
        return new RangeResult(kvs, count[0] > kvs.size(), count[0], readRev);
    }

    @Override
    public WriteResult create(byte[] key, byte[] value) {
        KvStore.checkSizes(key, value);
        return await(committer.submit(new WriteOp(WriteOp.Kind.CREATE, key, value, 0)));
    }

    @Override
    public WriteResult update(byte[] key, byte[] value, long expectedModRevision) {
        KvStore.checkSizes(key, value);
        return await(committer.submit(new WriteOp(WriteOp.Kind.UPDATE, key, value, expectedModRevision)));
    }

    @Override
    public WriteResult put(byte[] key, byte[] value) {
        KvStore.checkSizes(key, value);
        return await(committer.submit(new WriteOp(WriteOp.Kind.PUT, key, value, 0)));
    }

    @Override
    public WriteResult delete(byte[] key, long expectedModRevision) {
        KvStore.checkSizes(key, null);
        return await(committer.submit(new WriteOp(WriteOp.Kind.DELETE, key, null, expectedModRevision)));
    }

    /** Asynchronous form of the writes, for callers that pipeline (benchmarks, bulk loads). */
    public CompletableFuture<WriteResult> putAsync(byte[] key, byte[] value) {
        KvStore.checkSizes(key, value);
        return committer.submit(new WriteOp(WriteOp.Kind.PUT, key, value, 0));
    }

    @Override
    public Watch watch(KeyRange range, long afterRevision, WatchListener listener) {
        ensureOpen();
        if (afterRevision < compactedRevision) throw new CompactedException(afterRevision, compactedRevision);
        Watcher w = new Watcher(this, range, afterRevision, listener, options.progressInterval().toNanos());
        watchers.add(w);
        w.start();
        return w;
    }

    @Override
    public void compact(long revision) {
        ensureOpen();
        if (revision > committedRevision) throw new FutureRevisionException(revision, committedRevision);
        await(committer.submitCompaction(revision));
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        committer.stop();
        wakeWatchers();
        try {
            commitThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        checkpointer.shutdownNow();
        for (Watcher w : List.copyOf(watchers)) {
            try {
                w.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        backend.checkpoint();
        backend.close();
        dir.close();
    }

    // ---- called by Committer and Watcher ----

    /** Makes a committed group visible: events to the log, then the revision to readers and watchers. */
    void publish(long revision, List<WatchEvent> events) {
        eventLog.append(events);
        committedRevision = revision;
        metrics.revision(revision);
        wakeWatchers();
    }

    void publishCompaction(long revision) {
        compactedRevision = revision;
        metrics.compacted(revision);
    }

    void wakeWatchers() {
        lock.lock();
        try {
            advanced.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the revision passes {@code revision} or the timeout elapses; true if it advanced. */
    boolean awaitRevisionAfter(long revision, long timeoutNanos) {
        lock.lock();
        try {
            long left = timeoutNanos;
            while (committedRevision <= revision && !closed && left > 0) left = advanced.awaitNanos(left);
            return committedRevision > revision;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    void watcherEnded(Watcher w) {
        watchers.remove(w);
    }

    EventLog eventLog() {
        return eventLog;
    }

    SqliteBackend backend() {
        return backend;
    }

    StoreMetrics metrics() {
        return metrics;
    }

    boolean isClosed() {
        return closed;
    }

    private void ensureOpen() {
        if (closed) throw new StoreClosedException();
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StoreException se) throw se;
            throw new StoreUnavailableException("store operation failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for the store", e);
        }
    }
}
