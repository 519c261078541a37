package dev.beluga.agent.pods;

import io.fabric8.kubernetes.api.model.Pod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One serialized worker per pod (upstream's pod workers): a sync of a pod never overlaps another sync of the same pod;
 * a signal that arrives while a sync runs makes exactly one more sync run after it, with the newest pod object;
 * different pods sync in parallel on virtual threads. A pod removed from the API gets a last cleanup sync, after which
 * its worker is forgotten. Thread-safe.
 */
public final class PodWorkers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PodWorkers.class);

    private final PodSyncer syncer;
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("pod-worker-timers").factory());
    private final Map<String, Worker> workers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public PodWorkers(PodSyncer syncer) {
        this.syncer = syncer;
    }

    private final class Worker {
        final String uid;
        final ReentrantLock lock = new ReentrantLock();
        final AtomicBoolean queued = new AtomicBoolean();
        volatile Pod pod;
        volatile boolean removed;

        Worker(String uid) {
            this.uid = uid;
        }

        void signal() {
            if (closed || !queued.compareAndSet(false, true)) return;
            pool.submit(this::run);
        }

        void run() {
            lock.lock();
            try {
                queued.set(false);
                if (closed) return;
                PodSyncer.Outcome outcome;
                Pod p = pod;
                if (removed) {
                    outcome = syncer.cleanup(p.getMetadata().getNamespace(), p.getMetadata().getName(), uid);
                } else {
                    outcome = syncer.sync(p);
                }
                if (outcome.finished()) {
                    workers.remove(uid, this);
                    return;
                }
                outcome.requeueAfter().ifPresent(d -> timers.schedule(this::signal, Math.max(1, d.toMillis()), TimeUnit.MILLISECONDS));
            } catch (RuntimeException e) {
                log.warn("syncing pod {}/{} failed: {}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), e.toString(), e);
                timers.schedule(this::signal, 2, TimeUnit.SECONDS);
            } finally {
                lock.unlock();
            }
        }
    }

    /** The pod was added or changed in the API: sync it (soon) with this object. */
    public void update(Pod pod) {
        String uid = pod.getMetadata().getUid();
        Worker w = workers.computeIfAbsent(uid, Worker::new);
        w.pod = pod;
        w.signal();
    }

    /**
     * The pod changed only in what the agent itself writes (its status): keep the newest object for the next sync
     * but do not sync for it (upstream's kubelet ignores status-only updates the same way).
     */
    public void refresh(Pod pod) {
        Worker w = workers.get(pod.getMetadata().getUid());
        if (w != null && !w.removed) w.pod = pod;
        else update(pod);
    }

    /** The pod is gone from the API: stop and remove everything of it, then forget the worker. */
    public void remove(Pod pod) {
        String uid = pod.getMetadata().getUid();
        Worker w = workers.computeIfAbsent(uid, Worker::new);
        if (w.pod == null) w.pod = pod;
        w.removed = true;
        w.signal();
    }

    /** Syncs the pod with this uid again (a runtime event or a probe result changed). */
    public void signal(String uid) {
        Worker w = workers.get(uid);
        if (w != null) w.signal();
    }

    /** Syncs every pod (the periodic resync). */
    public void signalAll() {
        workers.values().forEach(Worker::signal);
    }

    /** The uids of pods with a worker. */
    public Set<String> uids() {
        return Set.copyOf(workers.keySet());
    }

    /** Waits up to {@code timeout} for running syncs, then stops; pods keep running in the runtime. */
    @Override
    public void close() {
        closed = true;
        timers.shutdownNow();
        pool.shutdown();
        try {
            pool.awaitTermination(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.shutdownNow();
    }
}
