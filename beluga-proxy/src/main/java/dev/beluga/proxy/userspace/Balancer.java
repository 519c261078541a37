package dev.beluga.proxy.userspace;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Chooses the backend of each new connection (TCP) or session (UDP) of one entry into a Service port: round robin
 * over the current backends, or with ClientIP session affinity the backend this client IP used last, as long as it is
 * still a backend and the client used it within the affinity timeout (counted from the last use, as upstream).
 *
 * <p>Threading: {@link #update} is called by the sync thread, {@link #pick} by any number of connection threads; the
 * backends are one immutable list behind a volatile field, swapped in one step.
 */
final class Balancer {
    private record Backends(List<InetSocketAddress> list, Set<InetSocketAddress> set, long affinityNanos) {
    }

    private record Pin(InetSocketAddress backend, long lastUsedNanos) {
    }

    private final LongSupplier nanoClock;
    private final int maxPins;
    private final AtomicInteger next = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Pin> pins = new ConcurrentHashMap<>();
    private volatile Backends backends = new Backends(List.of(), Set.of(), 0);

    Balancer(LongSupplier nanoClock, int maxPins) {
        this.nanoClock = nanoClock;
        this.maxPins = maxPins;
    }

    /** Replaces the backends; connections already established are not affected. */
    void update(List<InetSocketAddress> list, int affinitySeconds) {
        Backends b = new Backends(List.copyOf(list), Set.copyOf(new HashSet<>(list)), affinitySeconds * 1_000_000_000L);
        if (b.equals(backends)) return;
        backends = b;
        if (b.affinityNanos == 0) pins.clear();
        else pins.values().removeIf(p -> !b.set.contains(p.backend));
    }

    List<InetSocketAddress> backends() {
        return backends.list;
    }

    boolean isBackend(InetSocketAddress a) {
        return backends.set.contains(a);
    }

    /**
     * The backend for a new connection from {@code client}, other than those in {@code failed} (the ones this
     * connection already failed to reach); null when there is none.
     */
    InetSocketAddress pick(InetAddress client, Set<InetSocketAddress> failed) {
        Backends b = backends;
        if (b.list.isEmpty()) return null;
        if (b.affinityNanos == 0) return roundRobin(b, failed);
        long now = nanoClock.getAsLong();
        if (pins.size() >= maxPins && !pins.containsKey(client)) {
            pins.values().removeIf(p -> now - p.lastUsedNanos > b.affinityNanos);
            if (pins.size() >= maxPins) return roundRobin(b, failed); // too many clients to remember: no pin
        }
        Pin pin = pins.compute(client, (ip, old) -> {
            if (old != null && now - old.lastUsedNanos <= b.affinityNanos && b.set.contains(old.backend)
                && !failed.contains(old.backend)) return new Pin(old.backend, now);
            InetSocketAddress chosen = roundRobin(b, failed);
            return chosen == null ? null : new Pin(chosen, now);
        });
        return pin == null ? null : pin.backend;
    }

    private InetSocketAddress roundRobin(Backends b, Set<InetSocketAddress> failed) {
        int n = b.list.size();
        for (int i = 0; i < n; i++) {
            InetSocketAddress c = b.list.get(Math.floorMod(next.getAndIncrement(), n));
            if (!failed.contains(c)) return c;
        }
        return null;
    }
}
