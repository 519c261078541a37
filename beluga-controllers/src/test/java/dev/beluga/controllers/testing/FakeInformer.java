package dev.beluga.controllers.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.informers.cache.Store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A FAKE fabric8 {@link SharedIndexInformer}: no list, no watch, no thread. Its cache ({@link FakeCache}) holds
 * exactly what the test put there, so a test states "the controller's cache holds these objects", a stale cache
 * included (upstream's controller tests do the same with {@code informer.GetIndexer().Add(obj)}).
 *
 * <ul>
 *   <li>{@link #put}/{@link #remove} change the cache silently (the state a controller finds when it reconciles);</li>
 *   <li>{@link #add}/{@link #update}/{@link #delete} change it and then call the registered handlers on the calling
 *       thread, as a watch event would (so controllers' handlers see creations/deletions, e.g. for expectations).</li>
 * </ul>
 * {@link #start()} returns a completed future and {@link #hasSynced()} is always true; handlers are only recorded
 * (no initial replay of the cache on {@link #addEventHandler}, no resync). Objects are stored as given, not copied:
 * like a real informer cache, callers must not mutate what they read.
 *
 * <p>Thread-safety: the cache and the handler list are concurrent collections; handler calls run on the thread that
 * calls {@link #add}/{@link #update}/{@link #delete}.
 */
public final class FakeInformer<T extends HasMetadata> implements SharedIndexInformer<T> {
    private final Class<T> type;
    private final FakeCache<T> cache = new FakeCache<>();
    private final List<ResourceEventHandler<? super T>> handlers = new CopyOnWriteArrayList<>();
    private volatile boolean running;

    public FakeInformer(Class<T> type) {
        this.type = type;
    }

    /** Puts (or replaces) objects in the cache without notifying handlers. */
    @SafeVarargs
    public final FakeInformer<T> put(T... objects) {
        for (T o : objects) cache.put(o);
        return this;
    }

    /** Removes an object from the cache without notifying handlers. */
    public FakeInformer<T> remove(T object) {
        cache.remove(object);
        return this;
    }

    /** Puts the object and delivers an add event to the handlers (an update event if the key was cached). */
    public void add(T object) {
        T old = cache.put(object);
        for (ResourceEventHandler<? super T> h : handlers) {
            if (old == null) h.onAdd(object);
            else h.onUpdate(old, object);
        }
    }

    /** Replaces the cached object and delivers an update event (old = the previously cached one; add if none). */
    public void update(T object) {
        add(object);
    }

    /** Removes the object and delivers a delete event. */
    public void delete(T object) {
        T old = cache.remove(object);
        for (ResourceEventHandler<? super T> h : handlers) h.onDelete(old == null ? object : old, false);
    }

    /** The handlers controllers registered. */
    public List<ResourceEventHandler<? super T>> handlers() {
        return List.copyOf(handlers);
    }

    @Override
    public SharedIndexInformer<T> addIndexers(Map<String, Function<T, List<String>>> indexers) {
        cache.addIndexers(indexers);
        return this;
    }

    @Override
    public SharedIndexInformer<T> removeIndexer(String name) {
        cache.removeIndexer(name);
        return this;
    }

    @Override
    public Indexer<T> getIndexer() {
        return cache;
    }

    @Override
    public SharedIndexInformer<T> addEventHandler(ResourceEventHandler<? super T> handler) {
        handlers.add(handler);
        return this;
    }

    @Override
    public SharedIndexInformer<T> removeEventHandler(ResourceEventHandler<? super T> handler) {
        handlers.remove(handler);
        return this;
    }

    @Override
    public SharedIndexInformer<T> addEventHandlerWithResyncPeriod(ResourceEventHandler<? super T> handler, long resyncPeriod) {
        return addEventHandler(handler);
    }

    @Override
    public SharedIndexInformer<T> run() {
        running = true;
        return this;
    }

    @Override
    public CompletionStage<Void> start() {
        running = true;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean hasSynced() {
        return true;
    }

    @Override
    public String lastSyncResourceVersion() {
        return "0";
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public Class<T> getApiTypeClass() {
        return type;
    }

    @Override
    public boolean isWatching() {
        return running;
    }

    @Override
    public Store<T> getStore() {
        return cache;
    }

    @Override
    public SharedIndexInformer<T> initialState(Stream<T> items) {
        items.forEach(cache::put);
        return this;
    }

    @Override
    public SharedIndexInformer<T> itemStore(ItemStore<T> itemStore) {
        throw new UnsupportedOperationException("FakeInformer keeps its own cache");
    }

    @Override
    public SharedIndexInformer<T> exceptionHandler(ExceptionHandler handler) {
        return this;
    }

    @Override
    public CompletionStage<Void> stopped() {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * A FAKE informer cache: objects by {@code namespace/name} key, with the namespace index (and any indexers added)
     * computed on read. Thread-safe (a concurrent map; reads see a consistent object per key).
     */
    public static final class FakeCache<T extends HasMetadata> implements Cache<T> {
        private final Map<String, T> items = new ConcurrentHashMap<>();
        private final Map<String, Function<T, List<String>>> indexers = new ConcurrentHashMap<>();

        FakeCache() {
            indexers.put(NAMESPACE_INDEX, o -> Cache.metaNamespaceIndexFunc(o));
        }

        T put(T o) {
            return items.put(getKey(o), o);
        }

        T remove(T o) {
            return items.remove(getKey(o));
        }

        @Override
        public List<T> list() {
            return new ArrayList<>(items.values());
        }

        @Override
        public List<String> listKeys() {
            return new ArrayList<>(items.keySet());
        }

        @Override
        public T get(T o) {
            return items.get(getKey(o));
        }

        @Override
        public T getByKey(String key) {
            return items.get(key);
        }

        @Override
        public String getKey(T o) {
            return Cache.metaNamespaceKeyFunc(o);
        }

        @Override
        public List<T> index(String indexName, T o) {
            Function<T, List<String>> f = indexer(indexName);
            List<String> values = f.apply(o);
            return items.values().stream().filter(x -> f.apply(x).stream().anyMatch(values::contains)).toList();
        }

        @Override
        public List<String> indexKeys(String indexName, String indexKey) {
            return byIndex(indexName, indexKey).stream().map(this::getKey).toList();
        }

        @Override
        public List<T> byIndex(String indexName, String indexKey) {
            Function<T, List<String>> f = indexer(indexName);
            return new ArrayList<>(items.values().stream().filter(x -> f.apply(x).contains(indexKey)).toList());
        }

        @Override
        public Map<String, Function<T, List<String>>> getIndexers() {
            return Map.copyOf(indexers);
        }

        @Override
        public void addIndexers(Map<String, Function<T, List<String>>> more) {
            indexers.putAll(more);
        }

        @Override
        public void removeIndexer(String name) {
            indexers.remove(name);
        }

        private Function<T, List<String>> indexer(String name) {
            Function<T, List<String>> f = indexers.get(name);
            if (f == null) throw new IllegalArgumentException("no indexer " + name);
            return f;
        }
    }
}
