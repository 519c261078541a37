package dev.beluga.store.etcd;

import dev.beluga.store.KvStore;
import dev.beluga.store.KvStoreConformance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conformance suite against a real 3-member etcd cluster on loopback. A member is killed (SIGKILL) halfway
 * through the suite; the remaining tests must pass on the surviving quorum.
 */
class EtcdClusterConformanceTest extends KvStoreConformance {
    private static final int KILL_BEFORE_TEST = 6;
    private static final AtomicInteger started = new AtomicInteger();
    private static EtcdLauncher etcd;
    private static EtcdStore store;

    @BeforeAll
    static void start() throws Exception {
        etcd = EtcdLauncher.start(3);
        store = EtcdStore.connect(etcd.endpoints(), Duration.ofSeconds(15));
    }

    @BeforeEach
    void killOneMemberMidway() {
        if (started.incrementAndGet() == KILL_BEFORE_TEST) {
            etcd.kill(0);
            assertThat(etcd.pids()).hasSize(2);
        }
    }

    @AfterAll
    static void stop() {
        assertThat(started.get()).as("tests run after the member was killed").isGreaterThan(KILL_BEFORE_TEST);
        if (store != null) store.close();
        if (etcd != null) etcd.close();
    }

    @Override
    protected KvStore store() {
        return store;
    }
}
