package dev.beluga.controllers.runtime;

import dev.beluga.api.client.ManagedFieldsTrimmingStore;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One shared fabric8 informer per resource type, for all controllers (as client-go's shared informer factory): one
 * list+watch per type however many controllers look at it. Informers are created on first request and started
 * together by {@link #startAndSync}; handlers must be added before that. Lookups read the informer's indexer.
 *
 * <p>Threading: {@link #informer} and the lookups are thread-safe; handlers run on each informer's own thread.
 */
public final class Informers implements AutoCloseable {
    private final Function<Class<? extends HasMetadata>, SharedIndexInformer<?>> factory;
    private final Map<Class<?>, SharedIndexInformer<?>> informers = new LinkedHashMap<>();
    private final List<AutoCloseable> alsoClosed = new ArrayList<>();
    private boolean started;
    private boolean closed;

    /** Informers that list and watch each type through the client (all namespaces), keeping objects without managedFields. */
    public Informers(KubernetesClient client) {
        this(type -> ManagedFieldsTrimmingStore.trimmed(client.resources(type).inAnyNamespace().runnableInformer(0)));
    }

    private Informers(Function<Class<? extends HasMetadata>, SharedIndexInformer<?>> factory) {
        this.factory = factory;
    }

    /**
     * Informers whose per-type informer is made by {@code factory} (called once per type, on first request, under
     * this object's lock) instead of a list+watch through a client. The seam for controller unit tests, which hand in
     * fake informers whose caches they fill themselves (as upstream's tests fill fake informer indexers); the
     * factory must return an informer of the requested type. Production code uses {@link #Informers(KubernetesClient)}.
     */
    public static Informers withFactory(Function<Class<? extends HasMetadata>, SharedIndexInformer<?>> factory) {
        return new Informers(factory);
    }

    /** The shared informer of a type (all namespaces), created if needed. */
    @SuppressWarnings("unchecked")
    public synchronized <T extends HasMetadata> SharedIndexInformer<T> informer(Class<T> type) {
        return (SharedIndexInformer<T>) informers.computeIfAbsent(type, t -> {
            if (started) throw new IllegalStateException("informer for " + type.getSimpleName() + " requested after start");
            return factory.apply(type);
        });
    }

    /** The cached object, or null. */
    public <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
        return informer(type).getIndexer().getByKey(Keys.of(namespace, name));
    }

    /** Every cached object of a namespace. */
    public <T extends HasMetadata> List<T> list(Class<T> type, String namespace) {
        return informer(type).getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
    }

    /** Every cached object. */
    public <T extends HasMetadata> List<T> list(Class<T> type) {
        return informer(type).getIndexer().list();
    }

    /** Starts every informer and waits until all have listed. */
    public void startAndSync(Duration timeout) throws Exception {
        List<CompletableFuture<Void>> synced = new ArrayList<>();
        synchronized (this) {
            started = true;
            for (SharedIndexInformer<?> i : informers.values()) synced.add(i.start().toCompletableFuture());
        }
        CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Closes {@code c} with these informers: for informers a controller starts itself after the shared ones started
     * (of types known only at run time), which end with the same leadership term. Closed at once when this already is.
     */
    public void closeWith(AutoCloseable c) {
        synchronized (this) {
            if (!closed) {
                alsoClosed.add(c);
                return;
            }
        }
        closeQuietly(c);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // an informer that fails to stop has nothing more to give
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (SharedIndexInformer<?> i : informers.values()) i.stop();
        for (AutoCloseable c : alsoClosed) closeQuietly(c);
    }
}
