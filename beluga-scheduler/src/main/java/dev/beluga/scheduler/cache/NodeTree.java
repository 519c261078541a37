package dev.beluga.scheduler.cache;

import io.fabric8.kubernetes.api.model.Node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Node names grouped by zone ({@code topology.kubernetes.io/region} and {@code .../zone} labels), listed round-robin
 * across zones so that the first nodes a cycle evaluates are spread over zones (upstream {@code nodeTree}).
 * Not thread-safe: guarded by the cache lock.
 */
final class NodeTree {
    private final Map<String, List<String>> tree = new HashMap<>();
    private final List<String> zones = new ArrayList<>();
    private int numNodes;

    static String zoneKey(Node n) {
        Map<String, String> l = n.getMetadata().getLabels();
        if (l == null) return "";
        String region = l.getOrDefault("topology.kubernetes.io/region", l.getOrDefault("failure-domain.beta.kubernetes.io/region", ""));
        String zone = l.getOrDefault("topology.kubernetes.io/zone", l.getOrDefault("failure-domain.beta.kubernetes.io/zone", ""));
        if (region.isEmpty() && zone.isEmpty()) return "";
        return region + ":\u0000:" + zone;
    }

    void add(Node n) {
        String zone = zoneKey(n);
        String name = n.getMetadata().getName();
        List<String> names = tree.get(zone);
        if (names == null) {
            names = new ArrayList<>();
            tree.put(zone, names);
            zones.add(zone);
        } else if (names.contains(name)) {
            return;
        }
        names.add(name);
        numNodes++;
    }

    void remove(Node n) {
        String zone = zoneKey(n);
        List<String> names = tree.get(zone);
        if (names == null) return;
        if (names.remove(n.getMetadata().getName())) {
            numNodes--;
            if (names.isEmpty()) {
                tree.remove(zone);
                zones.remove(zone);
            }
        }
    }

    void update(Node old, Node now) {
        String oldZone = old == null ? null : zoneKey(old);
        if (oldZone != null && oldZone.equals(zoneKey(now))) return;
        if (old != null) remove(old);
        add(now);
    }

    int numNodes() {
        return numNodes;
    }

    /** Node names, one from each zone in turn. */
    List<String> list() {
        List<String> out = new ArrayList<>(numNodes);
        if (zones.size() == 1) {
            out.addAll(tree.get(zones.get(0)));
            return out;
        }
        for (int i = 0; out.size() < numNodes; i++) {
            boolean any = false;
            for (String z : zones) {
                List<String> names = tree.get(z);
                if (i < names.size()) {
                    out.add(names.get(i));
                    any = true;
                }
            }
            if (!any) break;
        }
        return out;
    }
}
