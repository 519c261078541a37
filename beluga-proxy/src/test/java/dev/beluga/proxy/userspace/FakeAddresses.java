package dev.beluga.proxy.userspace;

import java.util.Set;
import java.util.TreeSet;

/**
 * An {@link AddressManager} that only records: tests use 127.0.0.0/8 addresses, which the kernel delivers locally
 * without any being added. {@code nodeAddresses} are what the node "has" of its own; {@code leftover} ones count as
 * added by an earlier agent.
 */
final class FakeAddresses implements AddressManager {
    final Set<String> nodeAddresses = new TreeSet<>();
    final Set<String> added = new TreeSet<>();
    final Set<String> removed = new TreeSet<>();

    FakeAddresses(String... nodeAddresses) {
        this.nodeAddresses.addAll(Set.of(nodeAddresses));
    }

    @Override
    public synchronized Set<String> localAddresses() {
        Set<String> all = new TreeSet<>(nodeAddresses);
        all.addAll(added);
        return all;
    }

    @Override
    public synchronized Set<String> ownedAddresses() {
        return new TreeSet<>(added);
    }

    @Override
    public synchronized void add(String ip) {
        added.add(ip);
    }

    @Override
    public synchronized void remove(String ip) {
        if (added.remove(ip)) removed.add(ip);
    }
}
