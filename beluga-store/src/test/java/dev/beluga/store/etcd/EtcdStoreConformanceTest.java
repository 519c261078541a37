package dev.beluga.store.etcd;

import dev.beluga.store.KvStore;
import dev.beluga.store.KvStoreConformance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;

/** The conformance suite against a real single-member etcd started by the test. */
class EtcdStoreConformanceTest extends KvStoreConformance {
    private static EtcdLauncher etcd;
    private static EtcdStore store;

    @BeforeAll
    static void start() throws Exception {
        etcd = EtcdLauncher.start(1);
        store = EtcdStore.connect(etcd.endpoints(), Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        if (store != null) store.close();
        if (etcd != null) etcd.close();
    }

    @Override
    protected KvStore store() {
        return store;
    }
}
