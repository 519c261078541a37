package dev.beluga.store;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one conformance suite every {@link KvStore} implementation must pass (embedded, etcd, etcd cluster).
 *
 * <p>Each test works under its own key prefix and uses only revisions it produced, so one store may serve the whole
 * suite. Subclasses provide the store.
 */
public abstract class KvStoreConformance {
    private static final Duration WAIT = Duration.ofSeconds(20);

    protected abstract KvStore store();

    private String prefix;

    @BeforeEach
    void prefix(TestInfo info) {
        prefix = "/conformance/" + info.getTestMethod().orElseThrow().getName() + "/" + System.nanoTime() + "/";
    }

    private byte[] k(String name) {
        return (prefix + name).getBytes(UTF_8);
    }

    private static byte[] v(String s) {
        return s.getBytes(UTF_8);
    }

    private KeyRange all() {
        return KeyRange.prefix(prefix);
    }

    @Test
    void writesReturnStrictlyIncreasingRevisionsAndKeyMetadata() {
        WriteResult c = store().create(k("a"), v("1"));
        assertThat(c.revision()).isPositive();
        assertThat(c.current().createRevision()).isEqualTo(c.revision());
        assertThat(c.current().modRevision()).isEqualTo(c.revision());
        assertThat(c.current().version()).isEqualTo(1);
        assertThat(c.previous()).isNull();

        WriteResult u = store().update(k("a"), v("2"), c.revision());
        assertThat(u.revision()).isGreaterThan(c.revision());
        assertThat(u.current().createRevision()).isEqualTo(c.revision());
        assertThat(u.current().version()).isEqualTo(2);
        assertThat(u.previous().valueString()).isEqualTo("1");

        WriteResult p = store().put(k("b"), v("x"));
        assertThat(p.revision()).isGreaterThan(u.revision());
        WriteResult d = store().delete(k("a"), 0);
        assertThat(d.revision()).isGreaterThan(p.revision());
        assertThat(d.previous().valueString()).isEqualTo("2");
        assertThat(store().currentRevision()).isGreaterThanOrEqualTo(d.revision());

        KeyValue b = store().get(k("b"));
        assertThat(b.valueString()).isEqualTo("x");
        assertThat(b.modRevision()).isEqualTo(p.revision());
        assertThat(store().get(k("a"))).isNull();
    }

    @Test
    void putOverwritesAndCountsVersions() {
        WriteResult first = store().put(k("p"), v("1"));
        WriteResult second = store().put(k("p"), v("2"));
        assertThat(second.current().version()).isEqualTo(2);
        assertThat(second.current().createRevision()).isEqualTo(first.revision());
        assertThat(second.previous().valueString()).isEqualTo("1");
        assertThat(store().get(k("p")).valueString()).isEqualTo("2");
    }

    @Test
    void createFailsWhenKeyExistsAndChangesNothing() {
        WriteResult c = store().create(k("a"), v("first"));
        long before = store().currentRevision();
        assertThatThrownBy(() -> store().create(k("a"), v("second")))
            .isInstanceOfSatisfying(PreconditionFailedException.class, e -> {
                assertThat(e.reason()).isEqualTo(PreconditionFailedException.Reason.KEY_EXISTS);
                assertThat(e.current().valueString()).isEqualTo("first");
                assertThat(e.current().modRevision()).isEqualTo(c.revision());
            });
        assertThat(store().get(k("a")).valueString()).isEqualTo("first");
        assertThat(store().currentRevision()).isEqualTo(before);
    }

    @Test
    void updateIsCompareAndSwapOnModRevision() {
        WriteResult c = store().create(k("a"), v("1"));
        WriteResult u = store().update(k("a"), v("2"), c.revision());
        long before = store().currentRevision();
        assertThatThrownBy(() -> store().update(k("a"), v("stale"), c.revision()))
            .isInstanceOfSatisfying(PreconditionFailedException.class, e -> {
                assertThat(e.reason()).isEqualTo(PreconditionFailedException.Reason.MOD_REVISION_MISMATCH);
                assertThat(e.current().modRevision()).isEqualTo(u.revision());
                assertThat(e.current().valueString()).isEqualTo("2");
            });
        assertThatThrownBy(() -> store().update(k("missing"), v("x"), 0))
            .isInstanceOfSatisfying(PreconditionFailedException.class,
                e -> assertThat(e.reason()).isEqualTo(PreconditionFailedException.Reason.KEY_NOT_FOUND));
        assertThat(store().get(k("missing"))).isNull();
        assertThat(store().get(k("a")).valueString()).isEqualTo("2");
        assertThat(store().currentRevision()).isEqualTo(before);
        assertThat(store().update(k("a"), v("3"), 0).current().version()).isEqualTo(3);
    }

    @Test
    void deleteHonoursItsPrecondition() {
        WriteResult c = store().create(k("a"), v("1"));
        store().update(k("a"), v("2"), 0);
        assertThatThrownBy(() -> store().delete(k("a"), c.revision()))
            .isInstanceOfSatisfying(PreconditionFailedException.class,
                e -> assertThat(e.reason()).isEqualTo(PreconditionFailedException.Reason.MOD_REVISION_MISMATCH));
        assertThat(store().get(k("a"))).isNotNull();
        WriteResult d = store().delete(k("a"), store().get(k("a")).modRevision());
        assertThat(d.previous().valueString()).isEqualTo("2");
        assertThat(d.current().version()).isZero();
        assertThatThrownBy(() -> store().delete(k("a"), 0))
            .isInstanceOfSatisfying(PreconditionFailedException.class,
                e -> assertThat(e.reason()).isEqualTo(PreconditionFailedException.Reason.KEY_NOT_FOUND));
        WriteResult again = store().create(k("a"), v("new"));
        assertThat(again.current().version()).isEqualTo(1);
        assertThat(again.current().createRevision()).isEqualTo(again.revision());
    }

    @Test
    void rangeReturnsKeysInOrderWithLimitContinueAndCount() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 25; i++) names.add(String.format("k%02d", i));
        List<String> shuffled = new ArrayList<>(names);
        Collections.shuffle(shuffled, new Random(7));
        for (String n : shuffled) store().create(k(n), v("v-" + n));
        store().put(("/conformance-other" + prefix).getBytes(UTF_8), v("outside"));

        RangeResult page1 = store().range(all(), 0, 10, false);
        assertThat(page1.count()).isEqualTo(25);
        assertThat(page1.more()).isTrue();
        assertThat(page1.kvs()).extracting(kv -> kv.keyString().substring(prefix.length())).containsExactlyElementsOf(names.subList(0, 10));
        long at = page1.revision();

        // writes after the first page must not show in the pages that continue it
        store().put(k("k15"), v("changed"));
        store().create(k("k12a"), v("inserted"));
        store().delete(k("k20"), 0);

        RangeResult page2 = store().range(all().startingAt(Keys.successor(page1.kvs().getLast().key())), at, 10, false);
        assertThat(page2.revision()).isEqualTo(at);
        assertThat(page2.more()).isTrue();
        assertThat(page2.kvs()).extracting(kv -> kv.keyString().substring(prefix.length())).containsExactlyElementsOf(names.subList(10, 20));
        assertThat(page2.kvs().get(5).valueString()).isEqualTo("v-k15");
        RangeResult page3 = store().range(all().startingAt(Keys.successor(page2.kvs().getLast().key())), at, 10, false);
        assertThat(page3.more()).isFalse();
        assertThat(page3.kvs()).extracting(kv -> kv.keyString().substring(prefix.length())).containsExactlyElementsOf(names.subList(20, 25));

        RangeResult now = store().range(all(), 0, 0, false);
        assertThat(now.count()).isEqualTo(25);
        assertThat(now.kvs()).extracting(kv -> kv.keyString().substring(prefix.length())).contains("k12a").doesNotContain("k20");
    }

    @Test
    void rangeAtPastRevisionSeesExactlyTheWritesUpToIt() {
        WriteResult r1 = store().create(k("a"), v("1"));
        WriteResult r2 = store().update(k("a"), v("2"), 0);
        WriteResult rb = store().create(k("b"), v("b"));
        WriteResult r3 = store().delete(k("a"), 0);
        assertThat(store().range(KeyRange.single(k("a")), r1.revision(), 0, false).kvs()).singleElement()
            .satisfies(kv -> assertThat(kv.valueString()).isEqualTo("1"));
        assertThat(store().range(KeyRange.single(k("a")), r2.revision(), 0, false).kvs().getFirst().valueString()).isEqualTo("2");
        assertThat(store().range(all(), r2.revision(), 0, false).count()).isEqualTo(1);
        assertThat(store().range(all(), rb.revision(), 0, false).count()).isEqualTo(2);
        assertThat(store().range(KeyRange.single(k("a")), r3.revision(), 0, false).kvs()).isEmpty();
        assertThat(store().range(all(), r3.revision(), 0, false).kvs()).extracting(KeyValue::valueString).containsExactly("b");
    }

    @Test
    void readingAFutureRevisionFails() {
        long now = store().put(k("a"), v("1")).revision();
        assertThatThrownBy(() -> store().range(all(), now + 1000, 0, false)).isInstanceOf(FutureRevisionException.class);
    }

    @Test
    void keysOnlyOmitsValues() {
        store().put(k("a"), v("value"));
        RangeResult r = store().range(all(), 0, 0, true);
        assertThat(r.kvs()).singleElement().satisfies(kv -> {
            assertThat(kv.keyString()).isEqualTo(prefix + "a");
            assertThat(kv.value()).isEmpty();
        });
    }

    @Test
    void watchDeliversEveryChangeInOrderWithPreviousValues() throws Exception {
        long start = store().currentRevision();
        RecordingListener l = new RecordingListener();
        try (Watch w = store().watch(all(), start, l)) {
            WriteResult c = store().create(k("a"), v("1"));
            WriteResult u = store().update(k("a"), v("2"), c.revision());
            WriteResult d = store().delete(k("a"), 0);
            WriteResult c2 = store().create(k("a"), v("3"));
            List<WatchEvent> ev = l.await(4, WAIT);
            assertThat(ev).extracting(WatchEvent::type).containsExactly(WatchEvent.Type.PUT, WatchEvent.Type.PUT,
                WatchEvent.Type.DELETE, WatchEvent.Type.PUT);
            assertThat(ev).extracting(WatchEvent::revision).containsExactly(c.revision(), u.revision(), d.revision(), c2.revision());
            assertThat(ev.get(0).prevKv()).isNull();
            assertThat(ev.get(0).isCreate()).isTrue();
            assertThat(ev.get(1).prevKv().valueString()).isEqualTo("1");
            assertThat(ev.get(1).kv().valueString()).isEqualTo("2");
            assertThat(ev.get(2).prevKv().valueString()).isEqualTo("2");
            assertThat(ev.get(2).kv().keyString()).isEqualTo(prefix + "a");
            assertThat(ev.get(3).prevKv()).isNull();
            assertThat(ev.get(3).kv().createRevision()).isEqualTo(c2.revision());
            assertThat(l.drain(Duration.ofMillis(200))).isEmpty();
        }
    }

    @Test
    void watchOfOneKeyIgnoresOtherKeys() throws Exception {
        long start = store().currentRevision();
        RecordingListener l = new RecordingListener();
        try (Watch w = store().watch(KeyRange.single(k("a")), start, l)) {
            store().put(k("ab"), v("other"));
            store().put(k("b"), v("other"));
            WriteResult a = store().put(k("a"), v("mine"));
            List<WatchEvent> ev = l.await(1, WAIT);
            assertThat(ev.getFirst().revision()).isEqualTo(a.revision());
            assertThat(l.drain(Duration.ofMillis(200))).isEmpty();
        }
    }

    @Test
    void watchFromAPastRevisionReplaysHistory() throws Exception {
        long start = store().currentRevision();
        List<Long> revs = new ArrayList<>();
        for (int i = 0; i < 5; i++) revs.add(store().put(k("h" + (i % 2)), v("v" + i)).revision());
        RecordingListener l = new RecordingListener();
        try (Watch w = store().watch(all(), start, l)) {
            List<WatchEvent> ev = l.await(5, WAIT);
            assertThat(ev).extracting(WatchEvent::revision).containsExactlyElementsOf(revs);
            assertThat(ev.get(2).prevKv().valueString()).isEqualTo("v0");
            long late = store().put(k("h9"), v("late")).revision();
            assertThat(l.await(1, WAIT).getFirst().revision()).isEqualTo(late);
        }
        RecordingListener fromMiddle = new RecordingListener();
        try (Watch w = store().watch(all(), revs.get(2), fromMiddle)) {
            assertThat(fromMiddle.await(3, WAIT)).extracting(WatchEvent::revision).startsWith(revs.get(3), revs.get(4));
        }
    }

    @Test
    void concurrentWritersLoseNoWatchEvent() throws Exception {
        int writers = 8;
        int each = 100;
        long start = store().currentRevision();
        RecordingListener l = new RecordingListener();
        try (Watch w = store().watch(all(), start, l); ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < writers; t++) {
                int id = t;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) store().put(k("w" + id + "/" + (i % 10)), v(id + ":" + i));
                }));
            }
            for (Future<?> f : fs) f.get();
            List<WatchEvent> ev = l.await(writers * each, WAIT);
            Set<Long> seen = new HashSet<>();
            long last = start;
            Map<String, Long> versions = new HashMap<>();
            for (WatchEvent e : ev) {
                assertThat(e.revision()).isGreaterThan(last);
                last = e.revision();
                assertThat(seen.add(e.revision())).isTrue();
                long prevVersion = versions.getOrDefault(e.kv().keyString(), 0L);
                assertThat(e.kv().version()).isEqualTo(prevVersion + 1);
                versions.put(e.kv().keyString(), e.kv().version());
            }
            assertThat(l.drain(Duration.ofMillis(200))).isEmpty();
        }
    }

    @Test
    void compareAndSwapIsAtomicUnderContention() throws Exception {
        store().create(k("counter"), v("0"));
        int threads = 6;
        int increments = 20;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<Integer>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    int conflicts = 0;
                    for (int i = 0; i < increments; i++) {
                        while (true) {
                            KeyValue cur = store().get(k("counter"));
                            int n = Integer.parseInt(cur.valueString());
                            try {
                                store().update(k("counter"), v(Integer.toString(n + 1)), cur.modRevision());
                                break;
                            } catch (PreconditionFailedException e) {
                                conflicts++;
                            }
                        }
                    }
                    return conflicts;
                }));
            }
            for (Future<Integer> f : fs) f.get();
        }
        KeyValue last = store().get(k("counter"));
        assertThat(last.valueString()).isEqualTo(Integer.toString(threads * increments));
        assertThat(last.version()).isEqualTo(threads * increments + 1);
    }

    @Test
    void compactionDiscardsHistoryBeforeItsRevision() throws Exception {
        WriteResult r1 = store().put(k("a"), v("1"));
        WriteResult r2 = store().put(k("a"), v("2"));
        store().put(k("gone"), v("x"));
        store().delete(k("gone"), 0);
        WriteResult r3 = store().put(k("a"), v("3"));
        store().compact(r3.revision() - 1);
        assertThat(store().compactedRevision()).isGreaterThanOrEqualTo(r3.revision() - 1);
        assertThatThrownBy(() -> store().range(all(), r1.revision(), 0, false)).isInstanceOf(CompactedException.class);
        assertThat(store().range(KeyRange.single(k("a")), r3.revision() - 1, 0, false).kvs().getFirst().valueString()).isEqualTo("2");
        assertThat(store().range(all(), r3.revision() - 1, 0, false).count()).isEqualTo(1);
        assertThat(store().get(k("a")).valueString()).isEqualTo("3");
        assertThatThrownBy(() -> store().watch(all(), r1.revision() - 1, new RecordingListener()))
            .isInstanceOf(CompactedException.class);
        RecordingListener l = new RecordingListener();
        try (Watch w = store().watch(all(), r3.revision() - 1, l)) {
            WatchEvent e = l.await(1, WAIT).getFirst();
            assertThat(e.revision()).isEqualTo(r3.revision());
            assertThat(e.prevKv().valueString()).isEqualTo("2");
        }
        assertThat(r2.revision()).isLessThan(r3.revision());
    }

    @Test
    void oversizeValuesAreRefusedAndChangeNothing() {
        byte[] big = new byte[KvStore.MAX_VALUE_BYTES + 1];
        long before = store().currentRevision();
        assertThatThrownBy(() -> store().put(k("big"), big)).isInstanceOf(RequestTooLargeException.class)
            .hasMessageContaining("1.5 MiB");
        assertThatThrownBy(() -> store().create(k("big"), big)).isInstanceOf(RequestTooLargeException.class);
        assertThat(store().get(k("big"))).isNull();
        assertThat(store().currentRevision()).isEqualTo(before);
        byte[] fine = new byte[1 << 20];
        new Random(1).nextBytes(fine);
        store().put(k("fine"), fine);
        assertThat(store().get(k("fine")).value()).isEqualTo(fine);
    }
}
