package dev.beluga.scheduler;

import dev.beluga.scheduler.algorithm.FitError;
import dev.beluga.scheduler.algorithm.NoNodesAvailableException;
import dev.beluga.scheduler.algorithm.ScheduleResult;
import dev.beluga.scheduler.algorithm.SchedulingAlgorithm;
import dev.beluga.scheduler.algorithm.SchedulingException;
import dev.beluga.scheduler.cache.SchedulerCache;
import dev.beluga.scheduler.client.EventSink;
import dev.beluga.scheduler.client.SchedulerClients;
import dev.beluga.scheduler.framework.ClusterEvent;
import dev.beluga.scheduler.framework.Code;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.Parallelizer;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.PostFilterResult;
import dev.beluga.scheduler.framework.QueuedPodInfo;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.framework.runtime.Framework;
import dev.beluga.scheduler.framework.runtime.WaitingPods;
import dev.beluga.scheduler.metrics.SchedulerMetrics;
import dev.beluga.scheduler.queue.SchedulingQueue;
import dev.beluga.scheduler.util.Pods;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scheduler loop (upstream {@code Scheduler.scheduleOne}): pops a pod, runs its profile's scheduling cycle
 * (PreFilter, Filter, PostFilter on failure, PreScore, Score, host selection), assumes the pod in the cache, runs
 * Reserve and Permit, and hands the binding cycle (WaitOnPermit, PreBind, Bind, PostBind) to a virtual thread, so the
 * next pod is scheduled while the previous one binds. Failures go back to the queue with upstream's
 * {@code FailedScheduling} event and {@code PodScheduled=False} condition.
 *
 * <p>Build with {@link #builder()}; feed it through {@link #handlers()} (informer callbacks); {@link #start()} runs the
 * loop on one platform thread ({@code beluga-scheduler}) plus a timer thread for queue flushes and assumed-pod
 * expiry; {@link #close()} stops everything. Tests may instead call {@link #scheduleOne(Duration)} directly.
 *
 * <p>Threading: the scheduling cycle runs on one thread at a time (the loop thread, or the test calling
 * {@code scheduleOne}); binding cycles run concurrently on virtual threads; the cache and queue are thread-safe.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
    /** Events and conditions carry at most this many characters of a message (upstream). */
    static final int MAX_MESSAGE_LENGTH = 1024;

    private final SchedulerCache cache;
    private final SchedulingQueue queue;
    private final Profiles profiles;
    private final SchedulingAlgorithm algorithm;
    private final SchedulerClients clients;
    private final SchedulerMetrics metrics;
    private final Clock clock;
    private final Parallelizer parallelizer;
    private final WaitingPods waitingPods;
    private final SchedulerEventHandlers handlers;
    private final ExecutorService bindings = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("beluga-scheduler-bind-", 0).factory());
    private final AtomicInteger bindingsInFlight = new AtomicInteger();
    private final Object idle = new Object();
    private ScheduledExecutorService timers;
    private Thread loop;
    private volatile boolean running;

    Scheduler(SchedulerCache cache, SchedulingQueue queue, Profiles profiles, SchedulingAlgorithm algorithm,
              SchedulerClients clients, SchedulerMetrics metrics, Clock clock, Parallelizer parallelizer,
              WaitingPods waitingPods, SchedulerEventHandlers handlers) {
        this.cache = cache;
        this.queue = queue;
        this.profiles = profiles;
        this.algorithm = algorithm;
        this.clients = clients;
        this.metrics = metrics;
        this.clock = clock;
        this.parallelizer = parallelizer;
        this.waitingPods = waitingPods;
        this.handlers = handlers;
    }

    public static SchedulerBuilder builder() {
        return new SchedulerBuilder();
    }

    /** Informer callbacks: pods, nodes, PVCs, PVs, storage classes. */
    public SchedulerEventHandlers handlers() {
        return handlers;
    }

    public SchedulerCache cache() {
        return cache;
    }

    public SchedulingQueue queue() {
        return queue;
    }

    public Profiles profiles() {
        return profiles;
    }

    public SchedulerMetrics metrics() {
        return metrics;
    }

    /** Starts the scheduling loop and the periodic queue/cache maintenance. Idempotent. */
    public synchronized void start() {
        if (running) return;
        running = true;
        timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "beluga-scheduler-timers");
            t.setDaemon(true);
            return t;
        });
        timers.scheduleWithFixedDelay(safely(queue::flushBackoffQCompleted), 1, 1, TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(safely(queue::flushUnschedulablePodsLeftover), 30, 30, TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(safely(() -> {
            cache.cleanupExpiredAssumedPods();
        }), 1, 1, TimeUnit.SECONDS);
        loop = new Thread(this::run, "beluga-scheduler");
        loop.setDaemon(true);
        loop.start();
    }

    private Runnable safely(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.error("scheduler maintenance task failed", e);
            }
        };
    }

    private void run() {
        while (running) {
            try {
                QueuedPodInfo q = queue.pop();
                if (q == null) return;
                scheduleOne(q);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("scheduling cycle failed", e);
            }
        }
    }

    /**
     * Pops one pod (waiting up to {@code timeout}) and runs its scheduling cycle on the calling thread; the binding
     * cycle continues asynchronously. Returns false when no pod was ready. Not to be mixed with {@link #start()}.
     */
    public boolean scheduleOne(Duration timeout) throws InterruptedException {
        QueuedPodInfo q = queue.pop(timeout);
        if (q == null) return false;
        scheduleOne(q);
        return true;
    }

    /** Waits until no binding cycle is running; false on timeout. */
    public boolean awaitBindings(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (bindingsInFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
        }
        return true;
    }

    /** Stops the loop, the timers and pending bindings; waiting pods are rejected. */
    @Override
    public void close() {
        running = false;
        queue.close();
        if (timers != null) timers.shutdownNow();
        waitingPods.close();
        if (loop != null) {
            loop.interrupt();
            try {
                loop.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        bindings.shutdown();
        try {
            if (!bindings.awaitTermination(5, TimeUnit.SECONDS)) bindings.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        parallelizer.close();
    }

    // ---- the scheduling cycle ----

    void scheduleOne(QueuedPodInfo q) {
        PodInfo pod = q.podInfo();
        Framework fwk = profiles.forPod(pod.pod());
        if (fwk == null) {
            log.error("no profile for scheduler name {} of pod {}", Pods.schedulerName(pod.pod()), pod.key());
            queue.done(pod.uid());
            return;
        }
        if (pod.isTerminating() || cache.isAssumedPod(pod.uid())) {
            queue.done(pod.uid());
            return;
        }
        long start = System.nanoTime();
        CycleState state = new CycleState();
        ScheduleResult result;
        try {
            result = algorithm.schedulePod(fwk, state, pod);
        } catch (FitError fe) {
            String nomination = null;
            if (fwk.hasPostFilterPlugins()) {
                metrics.preemptionAttempts.increment();
                PostFilterResult pf = fwk.runPostFilterPlugins(state, pod, fe.diagnosis().nodeToStatus);
                if (pf.status().code() == Code.ERROR) log.warn("PostFilter of pod {} failed: {}", pod.key(), pf.status().message());
                fe.diagnosis().postFilterMsg = pf.status().message();
                nomination = pf.nominatedNodeName();
            }
            Set<String> rejectors = fe.diagnosis().unschedulablePlugins;
            q.unschedulablePlugins = new java.util.HashSet<>(rejectors);
            q.pendingPlugins = new java.util.HashSet<>(fe.diagnosis().pendingPlugins);
            metrics.unschedulable.increment();
            metrics.attemptDuration.observeNanos(System.nanoTime() - start);
            handleFailure(q, Status.unschedulable(fe.getMessage()), nomination);
            return;
        } catch (NoNodesAvailableException e) {
            q.unschedulablePlugins = new java.util.HashSet<>();
            q.pendingPlugins = new java.util.HashSet<>();
            metrics.unschedulable.increment();
            metrics.attemptDuration.observeNanos(System.nanoTime() - start);
            handleFailure(q, Status.unresolvable(NoNodesAvailableException.MESSAGE), "");
            return;
        } catch (SchedulingException e) {
            failWithError(q, e.status(), start);
            return;
        } catch (RuntimeException e) {
            log.error("scheduling pod {} failed", pod.key(), e);
            failWithError(q, Status.error(e), start);
            return;
        }
        String host = result.suggestedHost();
        try {
            cache.assumePod(pod, host);
        } catch (IllegalStateException e) {
            failWithError(q, Status.error(e), start);
            return;
        }
        queue.nominator().deleteNominatedPodIfExists(pod.uid());
        Status reserve = fwk.runReservePluginsReserve(state, pod, host);
        if (!reserve.isSuccess()) {
            fwk.runReservePluginsUnreserve(state, pod, host);
            cache.forgetPod(pod);
            rejectOrFail(q, reserve, start);
            return;
        }
        Status permit = fwk.runPermitPlugins(state, pod, host);
        if (!permit.isSuccess() && !permit.isWait()) {
            fwk.runReservePluginsUnreserve(state, pod, host);
            cache.forgetPod(pod);
            rejectOrFail(q, permit, start);
            return;
        }
        metrics.attemptDuration.observeNanos(System.nanoTime() - start);
        bindingsInFlight.incrementAndGet();
        try {
            bindings.execute(() -> {
                try {
                    bindingCycle(fwk, state, q, host);
                } finally {
                    if (bindingsInFlight.decrementAndGet() == 0) synchronized (idle) {
                        idle.notifyAll();
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            if (bindingsInFlight.decrementAndGet() == 0) synchronized (idle) {
                idle.notifyAll();
            }
            fwk.runReservePluginsUnreserve(state, pod, host);
            cache.forgetPod(pod);
            queue.done(pod.uid());
        }
    }

    private void rejectOrFail(QueuedPodInfo q, Status s, long start) {
        if (s.isRejected()) {
            q.unschedulablePlugins = s.plugin() == null ? new java.util.HashSet<>() : new java.util.HashSet<>(Set.of(s.plugin()));
            q.pendingPlugins = new java.util.HashSet<>();
            metrics.unschedulable.increment();
            metrics.attemptDuration.observeNanos(System.nanoTime() - start);
            handleFailure(q, s, null);
        } else {
            failWithError(q, s, start);
        }
    }

    private void failWithError(QueuedPodInfo q, Status s, long start) {
        q.unschedulablePlugins = new java.util.HashSet<>();
        q.pendingPlugins = new java.util.HashSet<>();
        metrics.error.increment();
        metrics.attemptDuration.observeNanos(System.nanoTime() - start);
        log.info("scheduling pod {} failed with an error: {}", q.podInfo().key(), s.message());
        handleFailure(q, s, null);
    }

    private void bindingCycle(Framework fwk, CycleState state, QueuedPodInfo q, String host) {
        PodInfo pod = q.podInfo();
        Status s;
        try {
            s = fwk.waitOnPermit(pod);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s = Status.error(e);
        }
        if (s.isSuccess()) s = fwk.runPreBindPlugins(state, pod, host);
        if (s.isSuccess()) {
            s = fwk.runBindPlugins(state, pod, host);
            if (s.isSkip()) s = Status.error("no bind plugin bound pod " + pod.key());
        }
        if (!s.isSuccess()) {
            fwk.runReservePluginsUnreserve(state, pod, host);
            cache.forgetPod(pod);
            queue.moveAllToActiveOrBackoffQueue(ClusterEvent.ASSIGNED_POD_DELETE, pod.pod(), null);
            if (s.isRejected()) {
                q.unschedulablePlugins = s.plugin() == null ? new java.util.HashSet<>() : new java.util.HashSet<>(Set.of(s.plugin()));
                metrics.unschedulable.increment();
            } else {
                q.unschedulablePlugins = new java.util.HashSet<>();
                metrics.error.increment();
                log.info("binding pod {} to {} failed: {}", pod.key(), host, s.message());
            }
            q.pendingPlugins = new java.util.HashSet<>();
            handleFailure(q, s, null);
            return;
        }
        cache.finishBinding(pod);
        metrics.scheduled.increment();
        metrics.e2eSchedulingDuration.observe(Math.max(0, clock.millis() - q.initialAttemptTimestamp) / 1000.0);
        clients.events().event(pod.pod(), null, EventSink.NORMAL, "Scheduled", "Binding",
            "Successfully assigned " + pod.namespace() + "/" + pod.name() + " to " + host);
        fwk.runPostBindPlugins(state, pod, host);
        queue.done(pod.uid());
    }

    /**
     * Hands the pod back to the queue and tells the user (upstream {@code handleSchedulingFailure}): a
     * {@code FailedScheduling} warning event, and {@code PodScheduled=False} with reason {@code Unschedulable} (or
     * {@code SchedulerError}) plus the nomination change, written only when something changed.
     *
     * @param nomination null leaves the nomination, "" clears it, a name sets it
     */
    private void handleFailure(QueuedPodInfo q, Status status, String nomination) {
        PodInfo pod = q.podInfo();
        queue.addUnschedulableIfNotPresent(q);
        if (nomination != null) queue.nominator().addNominatedPod(q.podInfo(), nomination);
        String reason = status.isRejected() ? "Unschedulable" : "SchedulerError";
        String msg = truncate(status.message());
        try {
            clients.events().event(pod.pod(), null, EventSink.WARNING, "FailedScheduling", "Scheduling", msg);
        } catch (RuntimeException e) {
            log.warn("recording FailedScheduling for {} failed: {}", pod.key(), e.toString());
        }
        PodCondition current = Pods.scheduledCondition(pod.pod());
        boolean conditionChanged = current == null || !"False".equals(current.getStatus())
            || !reason.equals(current.getReason()) || !msg.equals(current.getMessage());
        String currentNomination = Pods.nominatedNodeName(pod.pod());
        boolean nominationChanged = nomination != null && !Objects.equals(nomination.isEmpty() ? null : nomination, currentNomination);
        if (!conditionChanged && !nominationChanged) return;
        PodCondition cond = new PodConditionBuilder().withType("PodScheduled").withStatus("False").withReason(reason)
            .withMessage(msg).withLastTransitionTime(Instant.now(clock).toString()).build();
        try {
            clients.statusWriter().updateStatus(pod.pod(), conditionChanged ? cond : null, nominationChanged ? nomination : null);
        } catch (RuntimeException e) {
            log.warn("updating the status of {} failed: {}", pod.key(), e.toString());
        }
    }

    static String truncate(String msg) {
        if (msg.length() <= MAX_MESSAGE_LENGTH) return msg;
        String suffix = " ...(truncated)";
        return msg.substring(0, MAX_MESSAGE_LENGTH - suffix.length()) + suffix;
    }
}
