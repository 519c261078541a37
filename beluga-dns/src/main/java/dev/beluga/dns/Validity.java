package dev.beluga.dns;

import java.net.InetAddress;
import java.util.List;

/**
 * How long a zone answer stays right: while the index part it was computed from is unchanged. The index replaces
 * {@link ServiceRecords} objects and reverse entry lists on every change, so "unchanged" is an identity check.
 * Immutable; {@link #holds} is called on the response cache's fast path from any thread.
 */
sealed interface Validity {
    boolean holds(ClusterIndex index);

    /** An answer about one existing service: valid while the index holds the same records object for it. */
    record Service(String key, ServiceRecords seen) implements Validity {
        Service(ServiceRecords seen) {
            this(seen.key(), seen);
        }

        @Override
        public boolean holds(ClusterIndex index) {
            return index.service(key) == seen;
        }
    }

    /** A reverse answer: valid while the index holds the same targets for the address. */
    record Reverse(InetAddress address, List<PtrTarget> seen) implements Validity {
        @Override
        public boolean holds(ClusterIndex index) {
            return index.reverse(address) == seen;
        }
    }

    /**
     * An answer about which names exist (NXDOMAIN, namespaces, pod names, the apex): valid until a service is added or
     * removed. {@code generation} must have been read before the index was.
     */
    record Structure(long generation) implements Validity {
        @Override
        public boolean holds(ClusterIndex index) {
            return index.structureGeneration() == generation;
        }
    }
}
