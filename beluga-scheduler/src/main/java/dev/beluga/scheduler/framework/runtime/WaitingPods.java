package dev.beluga.scheduler.framework.runtime;

import dev.beluga.scheduler.framework.Code;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.framework.WaitingPod;
import io.fabric8.kubernetes.api.model.Pod;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Pods parked at Permit, by UID, each with a timer per waiting plugin. Thread-safe.
 */
public final class WaitingPods implements AutoCloseable {
    private final Map<String, Entry> pods = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "beluga-scheduler-permit-timer");
        t.setDaemon(true);
        return t;
    });

    /** Parks a pod until each plugin allows it or its timeout passes. */
    WaitingPod add(Pod pod, String uid, String nodeName, Map<String, Duration> waits) {
        Entry e = new Entry(pod, nodeName, waits.keySet());
        pods.put(uid, e);
        for (Map.Entry<String, Duration> w : waits.entrySet()) {
            String plugin = w.getKey();
            Duration d = w.getValue();
            e.timers.add(timers.schedule(() -> e.reject(plugin, "rejected due to timeout after waiting " + format(d) + " at plugin " + plugin),
                d.toNanos(), TimeUnit.NANOSECONDS));
        }
        return e;
    }

    private static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 == 0) return (ms / 1000) + "s";
        return ms + "ms";
    }

    public WaitingPod get(String uid) {
        return pods.get(uid);
    }

    public Collection<? extends WaitingPod> all() {
        return pods.values();
    }

    /** Blocks until the pod is allowed or rejected; Success when it is not waiting. */
    Status await(String uid) throws InterruptedException {
        Entry e = pods.get(uid);
        if (e == null) return Status.SUCCESS;
        try {
            return e.result.get();
        } catch (java.util.concurrent.ExecutionException ex) {
            return Status.error(ex.getCause());
        } finally {
            pods.remove(uid);
            for (ScheduledFuture<?> f : e.timers) f.cancel(false);
        }
    }

    @Override
    public void close() {
        timers.shutdownNow();
        for (Entry e : pods.values()) e.reject("", "scheduler stopped");
    }

    private static final class Entry implements WaitingPod {
        final Pod pod;
        final String nodeName;
        final Map<String, Boolean> pending = new LinkedHashMap<>();
        final List<ScheduledFuture<?>> timers = new ArrayList<>();
        final CompletableFuture<Status> result = new CompletableFuture<>();

        Entry(Pod pod, String nodeName, Collection<String> plugins) {
            this.pod = pod;
            this.nodeName = nodeName;
            for (String p : plugins) pending.put(p, true);
        }

        @Override
        public Pod pod() {
            return pod;
        }

        @Override
        public String nodeName() {
            return nodeName;
        }

        @Override
        public synchronized List<String> pendingPlugins() {
            return new ArrayList<>(pending.keySet());
        }

        @Override
        public void allow(String pluginName) {
            boolean done;
            synchronized (this) {
                pending.remove(pluginName);
                done = pending.isEmpty();
            }
            if (done) result.complete(Status.SUCCESS);
        }

        @Override
        public void reject(String pluginName, String message) {
            result.complete(Status.of(Code.UNSCHEDULABLE, message).withPlugin(pluginName));
        }
    }
}
