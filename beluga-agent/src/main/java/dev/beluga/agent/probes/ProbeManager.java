package dev.beluga.agent.probes;

import dev.beluga.agent.pods.ProbeState;
import dev.beluga.agent.runtime.PodRuntime;
import dev.beluga.controllers.runtime.EventRecorder;
import dev.beluga.cri.v1.ContainerState;
import dev.beluga.cri.v1.ContainerStatus;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Liveness, readiness and startup probes of every running container (upstream's prober manager and workers): one
 * worker per container run and probe kind, first after initialDelaySeconds, then every periodSeconds; a result
 * flips after successThreshold successes or failureThreshold failures in a row. Readiness starts false, liveness
 * true, startup false; liveness and readiness wait for startup to succeed. Every failed run is an Unhealthy event;
 * every flip makes the pod sync again ({@code onChange}). Thread-safe.
 */
public final class ProbeManager implements ProbeState, AutoCloseable {
    enum Kind {
        LIVENESS("Liveness"), READINESS("Readiness"), STARTUP("Startup");

        final String title;

        Kind(String title) {
            this.title = title;
        }
    }

    private final Prober prober;
    private final EventRecorder events;
    private final Consumer<String> onChange;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("probe-timer").factory());
    private final ExecutorService runners = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Worker> workers = new ConcurrentHashMap<>();

    public ProbeManager(Prober prober, EventRecorder events, Consumer<String> onChange) {
        this.prober = prober;
        this.events = events;
        this.onChange = onChange;
    }

    private final class Worker {
        final String key;
        final Kind kind;
        final String uid;
        final String containerId;
        final Probe probe;
        volatile Pod pod;
        volatile Container container;
        volatile String podIp;
        volatile boolean success;
        int successes;
        int failures;
        volatile boolean running;
        ScheduledFuture<?> future;

        Worker(String key, Kind kind, String uid, String containerId, Probe probe) {
            this.key = key;
            this.kind = kind;
            this.uid = uid;
            this.containerId = containerId;
            this.probe = probe;
            this.success = kind == Kind.LIVENESS;
        }

        void tick() {
            if (running) return;
            if (kind != Kind.STARTUP && !startupDone(uid, container.getName(), containerId)) return;
            running = true;
            runners.submit(() -> {
                try {
                    Prober.Result r = prober.run(probe, container, containerId, podIp);
                    record(r);
                } finally {
                    running = false;
                }
            });
        }

        synchronized void record(Prober.Result r) {
            boolean before = success;
            if (r.success()) {
                failures = 0;
                successes++;
                if (successes >= threshold(probe.getSuccessThreshold())) success = true;
            } else {
                successes = 0;
                failures++;
                events.event(pod, "kubelet", EventRecorder.WARNING, "Unhealthy", kind.title + " probe failed: " + r.detail());
                if (failures >= threshold(probe.getFailureThreshold() == null ? 3 : probe.getFailureThreshold())) success = false;
            }
            if (kind == Kind.STARTUP && success) future.cancel(false); // a startup probe runs until it succeeds once
            if (before != success) onChange.accept(uid);
        }
    }

    private static int threshold(Integer v) {
        return v == null || v < 1 ? 1 : v;
    }

    @Override
    public void observe(Pod pod, PodRuntime rt, String podIp) {
        String uid = pod.getMetadata().getUid();
        for (Container c : pod.getSpec().getContainers()) {
            ContainerStatus latest = rt.latest(c.getName()).orElse(null);
            String runningId = latest != null && latest.getState() == ContainerState.CONTAINER_RUNNING ? latest.getId() : null;
            for (Kind k : Kind.values()) {
                Probe p = switch (k) {
                    case LIVENESS -> c.getLivenessProbe();
                    case READINESS -> c.getReadinessProbe();
                    case STARTUP -> c.getStartupProbe();
                };
                String key = uid + "/" + c.getName() + "/" + k;
                Worker w = workers.get(key);
                if (p == null || runningId == null) {
                    if (w != null) stop(key);
                    continue;
                }
                if (w != null && !w.containerId.equals(runningId)) {
                    stop(key);
                    w = null;
                }
                if (w == null) {
                    Worker nw = new Worker(key, k, uid, runningId, p);
                    nw.pod = pod;
                    nw.container = c;
                    nw.podIp = podIp;
                    long startedMs = latest.getStartedAt() / 1_000_000;
                    long delay = Math.max(0, (p.getInitialDelaySeconds() == null ? 0 : p.getInitialDelaySeconds()) * 1000L
                        - (Instant.now().toEpochMilli() - startedMs));
                    long period = Duration.ofSeconds(p.getPeriodSeconds() == null || p.getPeriodSeconds() < 1 ? 10 : p.getPeriodSeconds()).toMillis();
                    workers.put(key, nw);
                    nw.future = timer.scheduleAtFixedRate(nw::tick, delay, period, TimeUnit.MILLISECONDS);
                } else {
                    w.pod = pod;
                    w.container = c;
                    if (podIp != null) w.podIp = podIp;
                }
            }
        }
    }

    private void stop(String key) {
        Worker w = workers.remove(key);
        if (w != null && w.future != null) w.future.cancel(false);
    }

    @Override
    public void forget(String podUid) {
        workers.keySet().stream().filter(k -> k.startsWith(podUid + "/")).toList().forEach(this::stop);
    }

    private Worker worker(String uid, String container, Kind k, String containerId) {
        Worker w = workers.get(uid + "/" + container + "/" + k);
        return w != null && w.containerId.equals(containerId) ? w : null;
    }

    private boolean startupDone(String uid, String container, String containerId) {
        Worker w = workers.get(uid + "/" + container + "/" + Kind.STARTUP);
        if (w == null) return true;
        return w.containerId.equals(containerId) && w.success;
    }

    @Override
    public boolean ready(String podUid, String container, String containerId) {
        if (!workers.containsKey(podUid + "/" + container + "/" + Kind.READINESS)) return true;
        Worker w = worker(podUid, container, Kind.READINESS, containerId);
        return w != null && w.success;
    }

    @Override
    public boolean started(String podUid, String container, String containerId) {
        return startupDone(podUid, container, containerId);
    }

    @Override
    public String mustRestart(String podUid, String container, String containerId) {
        Worker live = worker(podUid, container, Kind.LIVENESS, containerId);
        if (live != null && !live.success) return "Container " + container + " failed liveness probe, will be restarted";
        Worker start = worker(podUid, container, Kind.STARTUP, containerId);
        if (start != null && !start.success && start.failures >= threshold(start.probe.getFailureThreshold() == null ? 3 : start.probe.getFailureThreshold())) {
            return "Container " + container + " failed startup probe, will be restarted";
        }
        return null;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        runners.shutdownNow();
    }
}
