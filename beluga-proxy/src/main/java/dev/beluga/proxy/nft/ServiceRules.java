package dev.beluga.proxy.nft;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The nftables objects one Service owns in the proxy's table: its chains (name → rules), its affinity sets (name →
 * definition body) and its entries in the shared dispatch maps (map → key → verdict). Two renderings of the same
 * Service state are equal, so an unchanged Service can be recognised by comparing them.
 */
record ServiceRules(SortedMap<String, List<String>> chains, SortedMap<String, String> sets,
                    SortedMap<String, SortedMap<String, String>> elements) {

    static final ServiceRules NONE = new ServiceRules(java.util.Collections.emptySortedMap(),
        java.util.Collections.emptySortedMap(), java.util.Collections.emptySortedMap());

    /** Each map's keys, e.g. "service-ips" → ["10.43.0.5 . tcp . 80"]. */
    Map<String, java.util.Set<String>> elementKeys() {
        Map<String, java.util.Set<String>> out = new java.util.HashMap<>();
        elements.forEach((map, entries) -> out.put(map, entries.keySet()));
        return out;
    }
}
