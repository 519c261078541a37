package dev.beluga.store.embedded;

import dev.beluga.store.KvStore;
import dev.beluga.store.KvStoreConformance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The conformance suite against the embedded store. */
class EmbeddedStoreConformanceTest extends KvStoreConformance {
    @TempDir
    static Path dir;
    private static EmbeddedStore store;

    @BeforeAll
    static void open() {
        store = EmbeddedStore.open(dir.resolve("db"));
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Override
    protected KvStore store() {
        return store;
    }
}
