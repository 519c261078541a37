package dev.beluga.scheduler.queue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A binary min-heap with an index by key, so that items can be looked up, updated and removed in O(log n)
 * (upstream {@code internal/heap}). Not thread-safe: guarded by the queue lock.
 */
final class IndexedHeap<T> {
    private final ArrayList<T> items = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();
    private final Function<T, String> keyOf;
    private final Comparator<T> order;

    IndexedHeap(Function<T, String> keyOf, Comparator<T> order) {
        this.keyOf = keyOf;
        this.order = order;
    }

    int size() {
        return items.size();
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    boolean contains(String key) {
        return index.containsKey(key);
    }

    T get(String key) {
        Integer i = index.get(key);
        return i == null ? null : items.get(i);
    }

    T peek() {
        return items.isEmpty() ? null : items.get(0);
    }

    /** Adds the item, or re-positions it when an item with its key is present (replacing it). */
    void addOrUpdate(T item) {
        String key = keyOf.apply(item);
        Integer i = index.get(key);
        if (i != null) {
            items.set(i, item);
            fix(i);
            return;
        }
        items.add(item);
        int at = items.size() - 1;
        index.put(key, at);
        up(at);
    }

    T poll() {
        if (items.isEmpty()) return null;
        T top = items.get(0);
        removeAt(0);
        return top;
    }

    T remove(String key) {
        Integer i = index.get(key);
        if (i == null) return null;
        T item = items.get(i);
        removeAt(i);
        return item;
    }

    List<T> list() {
        return new ArrayList<>(items);
    }

    private void removeAt(int i) {
        int last = items.size() - 1;
        index.remove(keyOf.apply(items.get(i)));
        if (i != last) {
            T moved = items.get(last);
            items.set(i, moved);
            index.put(keyOf.apply(moved), i);
            items.remove(last);
            fix(i);
        } else {
            items.remove(last);
        }
    }

    private void fix(int i) {
        if (!down(i)) up(i);
    }

    private void up(int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (order.compare(items.get(i), items.get(parent)) >= 0) break;
            swap(i, parent);
            i = parent;
        }
    }

    private boolean down(int i0) {
        int i = i0;
        int n = items.size();
        while (true) {
            int l = 2 * i + 1;
            if (l >= n) break;
            int j = l;
            int r = l + 1;
            if (r < n && order.compare(items.get(r), items.get(l)) < 0) j = r;
            if (order.compare(items.get(j), items.get(i)) >= 0) break;
            swap(i, j);
            i = j;
        }
        return i > i0;
    }

    private void swap(int a, int b) {
        T ta = items.get(a);
        T tb = items.get(b);
        items.set(a, tb);
        items.set(b, ta);
        index.put(keyOf.apply(tb), a);
        index.put(keyOf.apply(ta), b);
    }
}
