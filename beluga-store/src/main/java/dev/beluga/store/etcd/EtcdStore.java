package dev.beluga.store.etcd;

import dev.beluga.store.CompactedException;
import dev.beluga.store.FutureRevisionException;
import dev.beluga.store.KeyRange;
import dev.beluga.store.KeyValue;
import dev.beluga.store.KvStore;
import dev.beluga.store.PreconditionFailedException;
import dev.beluga.store.RangeResult;
import dev.beluga.store.RequestTooLargeException;
import dev.beluga.store.StoreClosedException;
import dev.beluga.store.StoreException;
import dev.beluga.store.StoreUnavailableException;
import dev.beluga.store.Watch;
import dev.beluga.store.WatchEvent;
import dev.beluga.store.WatchListener;
import dev.beluga.store.WriteResult;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The store on an etcd v3 cluster (through jetcd), for running several Beluga servers against one highly available
 * store. Each conditional write is one etcd transaction comparing the key's create or mod revision, so the
 * semantics match the embedded store exactly; both pass the same conformance suite.
 *
 * <p>Threading: thread-safe; calls block up to the request timeout. Watches are resumed by jetcd after a member
 * fails, from the last revision delivered, so events are neither lost nor repeated.
 */
public final class EtcdStore implements KvStore {
    private static final ByteSequence NUL = ByteSequence.from(new byte[] {0});

    private final Client client;
    private final KV kv;
    private final Duration timeout;
    private final String endpoints;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long compactedRevision;

    private EtcdStore(Client client, Duration timeout, String endpoints) {
        this.client = client;
        this.kv = client.getKVClient();
        this.timeout = timeout;
        this.endpoints = endpoints;
    }

    /**
     * Connects to the etcd members at {@code endpoints} (for example {@code http://127.0.0.1:2379}) and checks that
     * the cluster answers.
     */
    public static EtcdStore connect(List<URI> endpoints, Duration timeout) {
        Client client = Client.builder().endpoints(endpoints.toArray(URI[]::new))
            .connectTimeout(Duration.ofSeconds(5)).retryMaxDuration(timeout).waitForReady(false)
            .keepaliveTime(Duration.ofSeconds(10)).keepaliveTimeout(Duration.ofSeconds(5)).build();
        EtcdStore store = new EtcdStore(client, timeout, endpoints.toString());
        try {
            store.currentRevision();
        } catch (StoreException e) {
            store.close();
            throw new StoreUnavailableException("cannot reach etcd at " + endpoints + ": " + e.getMessage(), e);
        }
        return store;
    }

    @Override
    public String backendName() {
        return "etcd";
    }

    @Override
    public long currentRevision() {
        GetResponse r = await(kv.get(NUL, GetOption.builder().withCountOnly(true).build()));
        return r.getHeader().getRevision();
    }

    @Override
    public long compactedRevision() {
        return compactedRevision;
    }

    @Override
    public RangeResult range(KeyRange range, long revision, int limit, boolean keysOnly) {
        GetOption.Builder opt = GetOption.builder().withRevision(revision).withLimit(Math.max(limit, 0))
            .withKeysOnly(keysOnly).withSortField(GetOption.SortTarget.KEY).withSortOrder(GetOption.SortOrder.ASCEND);
        if (!range.isSingleKey()) opt.withRange(range.end().length == 0 ? NUL : ByteSequence.from(range.end()));
        GetResponse r = await(kv.get(ByteSequence.from(range.start()), opt.build()));
        List<KeyValue> kvs = new ArrayList<>(r.getKvs().size());
        for (io.etcd.jetcd.KeyValue e : r.getKvs()) kvs.add(convert(e));
        long readRev = revision == 0 ? r.getHeader().getRevision() : revision;
        return new RangeResult(kvs, r.isMore(), r.getCount(), readRev);
    }

    @Override
    public WriteResult create(byte[] key, byte[] value) {
        KvStore.checkSizes(key, value);
        ByteSequence k = ByteSequence.from(key);
        TxnResponse r = await(kv.txn()
            .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
            .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT))
            .Else(Op.get(k, GetOption.DEFAULT)).commit());
        if (!r.isSucceeded())
            throw new PreconditionFailedException(PreconditionFailedException.Reason.KEY_EXISTS, text(key), firstKv(r), null);
        long rev = r.getHeader().getRevision();
        return new WriteResult(rev, new KeyValue(key, value, rev, rev, 1), null);
    }

    @Override
    public WriteResult update(byte[] key, byte[] value, long expectedModRevision) {
        KvStore.checkSizes(key, value);
        ByteSequence k = ByteSequence.from(key);
        Cmp cmp = expectedModRevision == 0 ? new Cmp(k, Cmp.Op.GREATER, CmpTarget.createRevision(0))
            : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision));
        TxnResponse r = await(kv.txn().If(cmp)
            .Then(Op.put(k, ByteSequence.from(value), PutOption.builder().withPrevKV().build()))
            .Else(Op.get(k, GetOption.DEFAULT)).commit());
        if (!r.isSucceeded()) throw preconditionFailed(key, expectedModRevision, firstKv(r));
        KeyValue prev = convert(r.getPutResponses().getFirst().getPrevKv());
        long rev = r.getHeader().getRevision();
        return new WriteResult(rev, new KeyValue(key, value, prev.createRevision(), rev, prev.version() + 1), prev);
    }

    @Override
    public WriteResult put(byte[] key, byte[] value) {
        KvStore.checkSizes(key, value);
        var r = await(kv.put(ByteSequence.from(key), ByteSequence.from(value), PutOption.builder().withPrevKV().build()));
        long rev = r.getHeader().getRevision();
        KeyValue prev = r.hasPrevKv() ? convert(r.getPrevKv()) : null;
        return new WriteResult(rev, new KeyValue(key, value, prev == null ? rev : prev.createRevision(), rev,
            prev == null ? 1 : prev.version() + 1), prev);
    }

    @Override
    public WriteResult delete(byte[] key, long expectedModRevision) {
        KvStore.checkSizes(key, null);
        ByteSequence k = ByteSequence.from(key);
        Cmp cmp = expectedModRevision == 0 ? new Cmp(k, Cmp.Op.GREATER, CmpTarget.createRevision(0))
            : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision));
        TxnResponse r = await(kv.txn().If(cmp)
            .Then(Op.delete(k, DeleteOption.builder().withPrevKV(true).build()))
            .Else(Op.get(k, GetOption.DEFAULT)).commit());
        if (!r.isSucceeded()) throw preconditionFailed(key, expectedModRevision, firstKv(r));
        long rev = r.getHeader().getRevision();
        KeyValue prev = convert(r.getDeleteResponses().getFirst().getPrevKvs().getFirst());
        return new WriteResult(rev, new KeyValue(key, new byte[0], 0, rev, 0), prev);
    }

    @Override
    public Watch watch(KeyRange range, long afterRevision, WatchListener listener) {
        ensureOpen();
        if (afterRevision < compactedRevision) throw new CompactedException(afterRevision, compactedRevision);
        WatchOption.Builder opt = WatchOption.builder().withRevision(afterRevision + 1).withPrevKV(true)
            .withProgressNotify(true);
        if (!range.isSingleKey()) opt.withRange(range.end().length == 0 ? NUL : ByteSequence.from(range.end()));
        AtomicBoolean ended = new AtomicBoolean();
        io.etcd.jetcd.Watch.Watcher w = client.getWatchClient().watch(ByteSequence.from(range.start()), opt.build(),
            new io.etcd.jetcd.Watch.Listener() {
                @Override
                public void onNext(WatchResponse response) {
                    if (ended.get()) return;
                    if (response.getEvents().isEmpty()) {
                        if (response.isProgressNotify()) listener.onProgress(response.getHeader().getRevision());
                        return;
                    }
                    List<WatchEvent> events = new ArrayList<>(response.getEvents().size());
                    for (io.etcd.jetcd.watch.WatchEvent e : response.getEvents()) events.add(convert(e));
                    listener.onEvents(events);
                }

                @Override
                public void onError(Throwable t) {
                    if (ended.compareAndSet(false, true)) listener.onError(map(t));
                }

                @Override
                public void onCompleted() {
                    if (ended.compareAndSet(false, true) && !closed.get())
                        listener.onError(new StoreUnavailableException("etcd ended the watch", null));
                }
            });
        return () -> {
            ended.set(true);
            w.close();
        };
    }

    @Override
    public void compact(long revision) {
        if (revision <= compactedRevision) return;
        try {
            await(kv.compact(revision, CompactOption.builder().withCompactPhysical(false).build()));
        } catch (CompactedException e) {
            // already compacted at or beyond this revision
        }
        compactedRevision = Math.max(compactedRevision, revision);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) client.close();
    }

    @Override
    public String toString() {
        return "etcd" + endpoints;
    }

    // ---- conversions ----

    private static KeyValue convert(io.etcd.jetcd.KeyValue e) {
        return new KeyValue(e.getKey().getBytes(), e.getValue().getBytes(), e.getCreateRevision(), e.getModRevision(),
            e.getVersion());
    }

    private static WatchEvent convert(io.etcd.jetcd.watch.WatchEvent e) {
        io.etcd.jetcd.KeyValue prev = e.getPrevKV();
        KeyValue prevKv = prev == null || prev.getKey().isEmpty() ? null : convert(prev);
        if (e.getEventType() == io.etcd.jetcd.watch.WatchEvent.EventType.DELETE) {
            return new WatchEvent(WatchEvent.Type.DELETE,
                new KeyValue(e.getKeyValue().getKey().getBytes(), new byte[0], 0, e.getKeyValue().getModRevision(), 0), prevKv);
        }
        return new WatchEvent(WatchEvent.Type.PUT, convert(e.getKeyValue()), prevKv);
    }

    private static KeyValue firstKv(TxnResponse r) {
        if (r.getGetResponses().isEmpty() || r.getGetResponses().getFirst().getKvs().isEmpty()) return null;
        return convert(r.getGetResponses().getFirst().getKvs().getFirst());
    }

    private static PreconditionFailedException preconditionFailed(byte[] key, long expected, KeyValue current) {
        if (current == null)
            return new PreconditionFailedException(PreconditionFailedException.Reason.KEY_NOT_FOUND, text(key), null, null);
        return new PreconditionFailedException(PreconditionFailedException.Reason.MOD_REVISION_MISMATCH, text(key), current,
            "expected modRevision " + expected + ", found " + current.modRevision());
    }

    private static String text(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }

    private void ensureOpen() {
        if (closed.get()) throw new StoreClosedException();
    }

    private <T> T await(CompletableFuture<T> f) {
        ensureOpen();
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw map(e.getCause());
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new StoreUnavailableException("etcd did not answer within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for etcd", e);
        }
    }

    /** Maps a jetcd/gRPC failure to the store's exceptions. */
    private StoreException map(Throwable t) {
        if (t instanceof StoreException se) return se;
        if (t instanceof io.etcd.jetcd.common.exception.CompactedException ce) {
            compactedRevision = Math.max(compactedRevision, ce.getCompactedRevision());
            return new CompactedException(-1, ce.getCompactedRevision());
        }
        String msg = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
        if (msg.contains("required revision has been compacted")) return new CompactedException(-1, compactedRevision);
        if (msg.contains("future revision")) return new FutureRevisionException(-1, -1);
        if (msg.contains("request is too large") || msg.contains("message larger than max"))
            return new RequestTooLargeException("etcd refused the request as too large: " + t.getMessage());
        if (closed.get()) return new StoreClosedException();
        return new StoreUnavailableException("etcd request failed: " + t.getMessage(), t);
    }
}
