package dev.beluga.proxy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * Runs a {@link Proxier}: feeds a {@link ServiceChangeTracker} from Service and EndpointSlice informers (or from a
 * caller, in tests and benchmarks) and syncs on one thread of its own — as soon as something changed, but at most
 * once per {@code minSyncInterval} (upstream's BoundedFrequencyRunner); a full sync first, once the informers have
 * synced (so a restarted agent replaces the previous rules in one step and never programs a half-known state),
 * after any failed sync, and every {@code fullSyncInterval}.
 *
 * <p>{@link #close()} stops the loop and the informers but leaves kernel rules in place (a restarting agent keeps
 * Service traffic flowing; a userspace forwarder is closed, its sockets die with the process anyway);
 * {@link #removeRules()} removes everything.
 */
public final class ProxyRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyRunner.class);

    private final Proxier proxier;
    private final ServiceChangeTracker tracker;
    private final Duration minSyncInterval;
    private final Duration fullSyncInterval;
    private final LatencyHistogram latency = new LatencyHistogram();
    private final LatencyHistogram syncDurations = new LatencyHistogram();
    private volatile BiConsumer<Set<ServiceKey>, Long> onProgrammed = (keys, nanos) -> { };
    private volatile boolean fullRequested;
    private volatile long lastFullSyncNanos;
    private final List<SharedIndexInformer<?>> owned = new ArrayList<>();
    private final List<Runnable> detach = new ArrayList<>();
    private final Object signal = new Object();
    private volatile BooleanSupplier synced = () -> true;
    private volatile boolean closed;
    private volatile boolean syncing;
    private volatile long syncs;
    private volatile long lastSyncNanos;
    private volatile long failures;
    private Thread loop;

    public ProxyRunner(Proxier proxier, ServiceChangeTracker tracker, Duration minSyncInterval, Duration fullSyncInterval) {
        this.proxier = proxier;
        this.tracker = tracker;
        this.minSyncInterval = minSyncInterval;
        this.fullSyncInterval = fullSyncInterval;
    }

    /** Watches all Services and EndpointSlices through informers of its own; the first sync waits for both lists. */
    public synchronized ProxyRunner watch(KubernetesClient client) {
        SharedIndexInformer<Service> svc = client.services().inAnyNamespace().runnableInformer(0);
        SharedIndexInformer<EndpointSlice> eps = client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0);
        watch(svc, eps);
        owned.add(svc);
        owned.add(eps);
        svc.start();
        eps.start();
        return this;
    }

    /**
     * Follows informers shared with others (e.g. the node's DNS server): their handlers are added here (an informer
     * already running replays what it holds) and removed by {@link #close}, which leaves the informers running. The
     * first sync waits for both lists.
     */
    public synchronized ProxyRunner watch(SharedIndexInformer<Service> services, SharedIndexInformer<EndpointSlice> slices) {
        ResourceEventHandler<Service> onService = handler(tracker::onService, tracker::onServiceDeleted);
        ResourceEventHandler<EndpointSlice> onSlice = handler(tracker::onEndpointSlice, tracker::onEndpointSliceDeleted);
        services.addEventHandler(onService);
        slices.addEventHandler(onSlice);
        detach.add(() -> services.removeEventHandler(onService));
        detach.add(() -> slices.removeEventHandler(onSlice));
        synced = () -> services.hasSynced() && slices.hasSynced();
        return this;
    }

    private <T> ResourceEventHandler<T> handler(java.util.function.Consumer<T> upsert, java.util.function.Consumer<T> delete) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                upsert.accept(obj);
                wake();
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                upsert.accept(newObj);
                wake();
            }

            @Override
            public void onDelete(T obj, boolean unknownFinalState) {
                delete.accept(obj);
                wake();
            }
        };
    }

    /** Tells the loop that the tracker changed (informer handlers do this themselves). */
    public void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /**
     * Calls {@code listener} on the sync thread after every successful sync with the Services it programmed and the
     * {@link System#nanoTime()} at which they took effect (benchmarks measure change-to-rules latency with it).
     */
    public ProxyRunner onProgrammed(BiConsumer<Set<ServiceKey>, Long> listener) {
        this.onProgrammed = listener;
        return this;
    }

    /** Makes the next sync a full one (benchmarks measure its duration). */
    public void requestFullSync() {
        fullRequested = true;
        wake();
    }

    public synchronized ProxyRunner start() {
        if (loop != null) return this;
        loop = Thread.ofPlatform().daemon().name("proxy-sync-" + proxier.mode()).start(this::run);
        return this;
    }

    private void run() {
        boolean needFull = true;
        long lastFull = 0;
        while (!closed) {
            try {
                synchronized (signal) {
                    long fullDue = lastFull + fullSyncInterval.toNanos() - System.nanoTime();
                    if (!closed && (!synced.getAsBoolean() || (!needFull && !fullRequested && !tracker.hasChanges() && fullDue > 0)))
                        signal.wait(Math.max(1, Math.min(needFull ? 100 : Math.max(1, fullDue / 1_000_000), 1000)));
                }
                if (closed || !synced.getAsBoolean()) continue;
                long sinceLast = System.nanoTime() - lastSyncNanos;
                if (sinceLast < minSyncInterval.toNanos()) Thread.sleep(Duration.ofNanos(minSyncInterval.toNanos() - sinceLast));
                boolean full = needFull || fullRequested || System.nanoTime() - lastFull >= fullSyncInterval.toNanos();
                fullRequested = false;
                if (!full && !tracker.hasChanges()) continue;
                syncing = true;
                ServiceChangeTracker.Update u = tracker.drain();
                long t0 = System.nanoTime();
                try {
                    proxier.sync(u.state(), u.changed(), full);
                } catch (Exception e) {
                    syncing = false;
                    failures++;
                    needFull = true;
                    log.warn("{} proxy sync failed ({} services): {}", proxier.mode(), u.state().services().size(), e.toString());
                    Thread.sleep(1000);
                    continue;
                }
                long done = System.nanoTime();
                lastSyncNanos = done;
                syncs++;
                syncDurations.record(done - t0);
                if (full) {
                    lastFull = done;
                    lastFullSyncNanos = done - t0;
                    needFull = false;
                    log.info("{} proxy programmed {} service ports, {} endpoints in {} ms", proxier.mode(),
                        u.state().portCount(), u.state().endpointCount(), (done - t0) / 1_000_000);
                }
                for (long since : u.changedSince().values()) latency.record(done - since);
                syncing = false;
                onProgrammed.accept(u.changed(), done);
            } catch (InterruptedException e) {
                if (closed) return;
            } catch (RuntimeException e) {
                log.warn("proxy loop: {}", e.toString());
                syncing = false;
                needFull = true;
            }
        }
    }

    public ServiceChangeTracker tracker() {
        return tracker;
    }

    /** From a change reaching this proxy to its rules in effect. */
    public LatencyHistogram latency() {
        return latency;
    }

    /** How long each sync took. */
    public LatencyHistogram syncDurations() {
        return syncDurations;
    }

    /** The duration of the last full sync, milliseconds. */
    public double lastFullSyncMillis() {
        return lastFullSyncNanos / 1e6;
    }

    /** Whether everything the tracker holds has been programmed (no pending change, no sync running). */
    public boolean idle() {
        return !syncing && !tracker.hasChanges() && syncs > 0;
    }

    /** Successful syncs so far. */
    public long syncs() {
        return syncs;
    }

    public long failures() {
        return failures;
    }

    public String mode() {
        return proxier.mode();
    }

    /** The Prometheus text of the proxy's metrics. */
    public String metrics() {
        return latency.prometheus("beluga_proxy_network_programming_duration_seconds",
                "From a Service or EndpointSlice change reaching the proxy to its forwarding being programmed.")
            + syncDurations.prometheus("beluga_proxy_sync_proxy_rules_duration_seconds", "How long a sync of the proxy's rules took.")
            + "# TYPE beluga_proxy_sync_proxy_rules_total counter\nbeluga_proxy_sync_proxy_rules_total " + syncs + "\n"
            + "# TYPE beluga_proxy_sync_proxy_rules_failures_total counter\nbeluga_proxy_sync_proxy_rules_failures_total " + failures + "\n";
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (closed) return;
            closed = true;
            t = loop;
        }
        synchronized (this) {
            detach.forEach(Runnable::run);
            owned.forEach(SharedIndexInformer::stop);
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!proxier.survivesProcessExit()) proxier.close();
    }

    /** Stops the loop and removes everything the proxier installed. */
    public void removeRules() {
        close();
        proxier.close();
    }
}
