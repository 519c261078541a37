package dev.beluga.scheduler.framework;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Host ports in use on a node, by IP, with upstream's conflict rule: {@code 0.0.0.0} conflicts with every IP.
 * Not thread-safe; owned by one {@link NodeInfo}.
 */
public final class HostPortInfo {
    private final Map<String, Set<Long>> byIp;

    public HostPortInfo() {
        this.byIp = new HashMap<>();
    }

    private HostPortInfo(Map<String, Set<Long>> byIp) {
        this.byIp = byIp;
    }

    private static long key(String protocol, int port) {
        return ((long) protocol.hashCode() << 32) | (port & 0xffffffffL);
    }

    public void add(HostPort p) {
        if (p.port() <= 0) return;
        byIp.computeIfAbsent(p.ip(), k -> new HashSet<>()).add(key(p.protocol(), p.port()));
    }

    public void remove(HostPort p) {
        if (p.port() <= 0) return;
        Set<Long> s = byIp.get(p.ip());
        if (s != null) {
            s.remove(key(p.protocol(), p.port()));
            if (s.isEmpty()) byIp.remove(p.ip());
        }
    }

    /** Whether a wanted port conflicts with one in use. */
    public boolean conflicts(HostPort p) {
        if (p.port() <= 0 || byIp.isEmpty()) return false;
        long k = key(p.protocol(), p.port());
        if (p.ip().equals(HostPort.BIND_ALL)) {
            for (Set<Long> s : byIp.values()) if (s.contains(k)) return true;
            return false;
        }
        Set<Long> all = byIp.get(HostPort.BIND_ALL);
        if (all != null && all.contains(k)) return true;
        Set<Long> s = byIp.get(p.ip());
        return s != null && s.contains(k);
    }

    public boolean isEmpty() {
        return byIp.isEmpty();
    }

    public int size() {
        int n = 0;
        for (Set<Long> s : byIp.values()) n += s.size();
        return n;
    }

    public HostPortInfo copy() {
        Map<String, Set<Long>> m = new HashMap<>();
        byIp.forEach((k, v) -> m.put(k, new HashSet<>(v)));
        return new HostPortInfo(m);
    }
}
