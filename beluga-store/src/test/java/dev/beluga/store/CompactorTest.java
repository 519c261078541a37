package dev.beluga.store;

import dev.beluga.store.embedded.EmbeddedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompactorTest {
    @TempDir
    Path dir;

    @Test
    void compactsToTheNewestRevisionOlderThanTheRetention() {
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            Compactor c = new Compactor(store, Duration.ofMinutes(5));
            Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
            for (int i = 0; i < 10; i++) store.put(("/k" + (i % 3)).getBytes(UTF_8), "v".getBytes(UTF_8));
            assertThat(c.tick(t0)).isZero();
            long atT0 = store.currentRevision();
            for (int i = 0; i < 10; i++) store.put(("/k" + (i % 3)).getBytes(UTF_8), "w".getBytes(UTF_8));
            assertThat(c.tick(t0.plus(Duration.ofMinutes(1)))).isZero();
            long atT1 = store.currentRevision();
            store.put("/k9".getBytes(UTF_8), "x".getBytes(UTF_8));
            assertThat(c.tick(t0.plus(Duration.ofMinutes(5)))).isEqualTo(atT0);
            assertThat(store.compactedRevision()).isEqualTo(atT0);
            assertThatThrownBy(() -> store.range(KeyRange.prefix("/"), atT0 - 1, 0, false)).isInstanceOf(CompactedException.class);
            assertThat(c.tick(t0.plus(Duration.ofMinutes(6)))).isEqualTo(atT1);
            assertThat(store.range(KeyRange.prefix("/"), 0, 0, false).count()).isEqualTo(4);
        }
    }

    @Test
    void parsesDatastoreEndpoints() {
        assertThat(Stores.etcdEndpoints("etcd://127.0.0.1:2379,127.0.0.2:2379")).extracting(Object::toString)
            .containsExactly("http://127.0.0.1:2379", "http://127.0.0.2:2379");
        assertThat(Stores.etcdEndpoints("https://10.0.0.1:2379")).extracting(Object::toString).containsExactly("https://10.0.0.1:2379");
        assertThatThrownBy(() -> Stores.etcdEndpoints("mysql://x")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("unsupported --datastore-endpoint");
        assertThatThrownBy(() -> Stores.etcdEndpoints("etcd://nohost")).isInstanceOf(IllegalArgumentException.class);
    }
}
