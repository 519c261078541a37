package dev.beluga.store;

import dev.beluga.store.embedded.EmbeddedStore;
import dev.beluga.store.etcd.EtcdStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens the store named by {@code --datastore-endpoint}, as k3s does: empty (or {@code embedded}) for the embedded
 * store in {@code <data-dir>/db}, {@code etcd://host:port[,host:port...]} (or {@code http://...} URLs) for etcd.
 */
public final class Stores {
    private Stores() {
    }

    public static KvStore open(String endpoint, Path dataDir, PrometheusRegistry registry) {
        if (endpoint == null || endpoint.isBlank() || endpoint.equals("embedded"))
            return EmbeddedStore.open(dataDir.resolve("db"), EmbeddedStore.Options.defaults().withRegistry(registry));
        return EtcdStore.connect(etcdEndpoints(endpoint), Duration.ofSeconds(10));
    }

    /** Parses {@code etcd://h1:p1,h2:p2} or a comma-separated list of http(s) URLs. */
    public static List<URI> etcdEndpoints(String endpoint) {
        String spec = endpoint.trim();
        boolean etcdScheme = spec.startsWith("etcd://");
        if (etcdScheme) spec = spec.substring("etcd://".length());
        else if (!spec.startsWith("http://") && !spec.startsWith("https://"))
            throw new IllegalArgumentException("unsupported --datastore-endpoint '" + endpoint
                + "': use 'embedded' (default), etcd://host:port[,host:port...] or http://host:port[,...]");
        List<URI> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            URI u = URI.create(etcdScheme ? "http://" + p : p);
            if (u.getHost() == null || u.getPort() < 0)
                throw new IllegalArgumentException("etcd endpoint '" + p + "' needs host:port");
            out.add(u);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("no etcd endpoints in '" + endpoint + "'");
        return out;
    }
}
