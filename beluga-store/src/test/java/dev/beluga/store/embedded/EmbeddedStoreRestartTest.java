package dev.beluga.store.embedded;

import dev.beluga.store.CompactedException;
import dev.beluga.store.KeyRange;
import dev.beluga.store.RecordingListener;
import dev.beluga.store.WatchEvent;
import dev.beluga.store.WriteResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What survives a close and reopen of the embedded store. */
class EmbeddedStoreRestartTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void reopenRestoresStateHistoryAndRevision() throws Exception {
        long afterFirst;
        long last;
        try (EmbeddedStore s = EmbeddedStore.open(dir)) {
            afterFirst = s.put(b("/a"), b("1")).revision();
            s.put(b("/a"), b("2"));
            s.create(b("/b"), b("b"));
            s.delete(b("/b"), 0);
            last = s.put(b("/c"), b("c")).revision();
        }
        try (EmbeddedStore s = EmbeddedStore.open(dir)) {
            assertThat(s.currentRevision()).isEqualTo(last);
            assertThat(s.get(b("/a")).valueString()).isEqualTo("2");
            assertThat(s.get(b("/a")).version()).isEqualTo(2);
            assertThat(s.get(b("/a")).createRevision()).isEqualTo(afterFirst);
            assertThat(s.get(b("/b"))).isNull();
            assertThat(s.range(KeyRange.single(b("/a")), afterFirst, 0, false).kvs().getFirst().valueString()).isEqualTo("1");
            RecordingListener l = new RecordingListener();
            try (var w = s.watch(KeyRange.prefix("/"), afterFirst, l)) {
                List<WatchEvent> ev = l.await(4, Duration.ofSeconds(10));
                assertThat(ev.get(2).type()).isEqualTo(WatchEvent.Type.DELETE);
                assertThat(ev.get(2).prevKv().valueString()).isEqualTo("b");
            }
            assertThat(s.put(b("/d"), b("d")).revision()).isEqualTo(last + 1);
        }
    }

    @Test
    void compactionPointAndItsEffectsSurviveReopen() {
        WriteResult old;
        long compactAt;
        try (EmbeddedStore s = EmbeddedStore.open(dir)) {
            old = s.put(b("/k"), b("old"));
            for (int i = 0; i < 50; i++) s.put(b("/k"), b("v" + i));
            s.put(b("/tmp"), b("x"));
            compactAt = s.delete(b("/tmp"), 0).revision();
            s.compact(compactAt);
        }
        try (EmbeddedStore s = EmbeddedStore.open(dir)) {
            assertThat(s.compactedRevision()).isEqualTo(compactAt);
            assertThat(s.currentRevision()).isEqualTo(compactAt);
            assertThatThrownBy(() -> s.range(KeyRange.prefix("/"), old.revision(), 0, false))
                .isInstanceOf(CompactedException.class);
            assertThat(s.get(b("/k")).valueString()).isEqualTo("v49");
            assertThat(s.get(b("/k")).version()).isEqualTo(51);
            // only the newest revision of the live key is left on disk
            assertThat(s.backend().rowsAfter(0, Long.MAX_VALUE, 1000)).hasSize(1);
            assertThat(s.put(b("/n"), b("n")).revision()).isEqualTo(compactAt + 1);
        }
    }

    @Test
    void watcherThatFallsOutOfMemoryCatchesUpFromDisk() throws Exception {
        EmbeddedStore.Options small = new EmbeddedStore.Options(16, 1 << 20, Duration.ofSeconds(5),
            new io.prometheus.metrics.model.registry.PrometheusRegistry());
        try (EmbeddedStore s = EmbeddedStore.open(dir, small)) {
            long start = s.currentRevision();
            for (int i = 0; i < 200; i++) s.put(b("/w/" + (i % 7)), b("v" + i));
            RecordingListener l = new RecordingListener();
            try (var w = s.watch(KeyRange.prefix("/w/"), start, l)) {
                List<WatchEvent> ev = l.await(200, Duration.ofSeconds(10));
                for (int i = 0; i < 200; i++) {
                    assertThat(ev.get(i).revision()).isEqualTo(start + 1 + i);
                    assertThat(ev.get(i).kv().valueString()).isEqualTo("v" + i);
                    if (i >= 7) assertThat(ev.get(i).prevKv().valueString()).isEqualTo("v" + (i - 7));
                }
            }
        }
    }
}
