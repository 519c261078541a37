package dev.beluga.store.embedded;

import dev.beluga.store.KeyRange;
import dev.beluga.store.Keys;

import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BiConsumer;

/**
 * Key to {@link KeyHistory}, ordered by key: the in-memory index of every revision on disk (like etcd's treeIndex).
 *
 * <p>Threading: one writer (the commit thread) and any number of concurrent readers. Readers see each key's history
 * atomically; they filter by the revision they read at, so entries newer than the published revision are harmless.
 */
final class KeyIndex {
    private final ConcurrentSkipListMap<byte[], KeyHistory> map = new ConcurrentSkipListMap<>(Keys.ORDER);

    KeyHistory get(byte[] key) {
        return map.get(key);
    }

    /** Records a committed row. Writer thread only. */
    void apply(Row row) {
        KeyHistory h = map.get(row.key());
        map.put(row.key(), h == null ? KeyHistory.of(row.rev(), row.createRev(), row.version())
            : h.append(row.rev(), row.createRev(), row.version()));
    }

    /** Replaces (or removes, when null) a key's history. Writer thread only. */
    void replace(byte[] key, KeyHistory history) {
        if (history == null) map.remove(key);
        else map.put(key, history);
    }

    /** The keys in {@code range} with their histories, in key order. */
    void forEachIn(KeyRange range, BiConsumer<byte[], KeyHistory> action) {
        if (range.isSingleKey()) {
            KeyHistory h = map.get(range.start());
            if (h != null) action.accept(range.start(), h);
            return;
        }
        NavigableMap<byte[], KeyHistory> sub = range.end().length == 0 ? map.tailMap(range.start(), true)
            : map.subMap(range.start(), true, range.end(), false);
        for (Map.Entry<byte[], KeyHistory> e : sub.entrySet()) action.accept(e.getKey(), e.getValue());
    }

    /** Every key with its history. Used by compaction (writer thread). */
    Iterable<Map.Entry<byte[], KeyHistory>> entries() {
        return map.entrySet();
    }

    int keyCount() {
        return map.size();
    }
}
