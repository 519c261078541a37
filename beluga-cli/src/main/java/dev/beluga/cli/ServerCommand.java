package dev.beluga.cli;

import dev.beluga.store.Compactor;
import dev.beluga.store.KvStore;
import dev.beluga.store.StoreException;
import dev.beluga.store.Stores;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code beluga server}: the control plane. Today it opens the store (embedded by default, or etcd) and keeps it
 * compacted; the API server, scheduler and controllers join it as their issues land.
 */
@Command(name = "server", mixinStandardHelpOptions = true, description = "Run the Beluga control plane.")
final class ServerCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServerCommand.class);

    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "Data directory (default: /var/lib/beluga as root, ~/.beluga otherwise).")
    Path dataDir;

    @Option(names = "--datastore-endpoint", paramLabel = "ENDPOINT", defaultValue = "embedded",
        description = "Where state is kept: 'embedded' (default, in DIR/db) or etcd://host:port[,host:port...].")
    String datastoreEndpoint;

    @Option(names = "--compaction-retention", paramLabel = "DURATION", defaultValue = "PT5M",
        description = "Store history kept for watches and paged lists, ISO-8601 (default: PT5M).")
    Duration retention;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        Path dir;
        try {
            dir = DataDir.prepare(dataDir == null ? DataDir.defaultPath() : dataDir);
        } catch (IOException e) {
            System.err.println("beluga server: " + e.getMessage());
            return 2;
        }
        PrometheusRegistry registry = new PrometheusRegistry();
        KvStore store;
        try {
            store = Stores.open(datastoreEndpoint, dir, registry);
        } catch (StoreException | IllegalArgumentException e) {
            System.err.println("beluga server: cannot open the datastore: " + e.getMessage());
            return 2;
        }
        Compactor compactor = new Compactor(store, retention).start(Duration.ofMinutes(1).compareTo(retention) < 0
            ? Duration.ofMinutes(1) : retention.dividedBy(2), Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping");
            compactor.close();
            store.close();
            stopped.countDown();
        }, "beluga-shutdown"));
        System.out.printf("Beluga server ready in %d ms: data dir %s, datastore %s (revision %d)%n",
            (System.nanoTime() - t0) / 1_000_000, dir, store.backendName(), store.currentRevision());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
