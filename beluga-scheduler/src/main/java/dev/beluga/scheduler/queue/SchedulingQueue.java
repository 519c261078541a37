package dev.beluga.scheduler.queue;

import dev.beluga.scheduler.framework.ActionType;
import dev.beluga.scheduler.framework.ClusterEvent;
import dev.beluga.scheduler.framework.EventResource;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.QueuedPodInfo;
import dev.beluga.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Pod;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The scheduling queue (upstream {@code PriorityQueue}): three places a pending pod can be.
 * <ul>
 *   <li><b>activeQ</b>: pods ready to be tried, ordered by the QueueSort plugin (priority, then time);</li>
 *   <li><b>backoffQ</b>: pods that failed recently and wait out their backoff (initial 1 s, doubling per attempt, at
 *       most 10 s by default), ordered by backoff expiry;</li>
 *   <li><b>unschedulable pods</b>: pods rejected by plugins, waiting for a cluster event one of those plugins registered
 *       (node added, pod deleted, ...), or for {@link #flushUnschedulablePodsLeftover} after 5 minutes.</li>
 * </ul>
 * Pods kept out by a PreEnqueue plugin (scheduling gates) wait among the unschedulable pods, flagged gated.
 *
 * <p>Events that arrive while a pod is being scheduled ("in flight") are recorded, so that a pod failing just after
 * a helpful event is retried at once instead of waiting for the next one.
 *
 * <p>Threading: thread-safe; one lock guards everything. {@link #pop} blocks the scheduling thread until a pod is
 * ready or the queue is closed; informer threads call {@link #add}, {@link #update}, {@link #delete} and
 * {@link #moveAllToActiveOrBackoffQueue}. The injectable {@link Clock} drives timestamps, backoff and timeouts; with a
 * fake clock tests call {@link #flushBackoffQCompleted} themselves.
 */
public final class SchedulingQueue implements AutoCloseable {
    /** Default longest time a pod stays among the unschedulable pods without an event (upstream: 5 minutes). */
    public static final Duration DEFAULT_MAX_IN_UNSCHEDULABLE = Duration.ofMinutes(5);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Clock clock;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration maxInUnschedulable;
    private final QueueProfiles profiles;
    private final Nominator nominator;
    private final IndexedHeap<QueuedPodInfo> activeQ;
    private final IndexedHeap<QueuedPodInfo> backoffQ;
    private final Map<String, QueuedPodInfo> unschedulablePods = new LinkedHashMap<>();
    private final Map<String, InFlight> inFlight = new HashMap<>();
    private final ArrayDeque<RecordedEvent> inFlightEvents = new ArrayDeque<>();
    private long eventSequence;
    private long schedulingCycle;
    private long insertSequence;
    private boolean closed;

    private static final class InFlight {
        final long sinceEvent;
        PodInfo latest;
        boolean deleted;

        InFlight(long sinceEvent) {
            this.sinceEvent = sinceEvent;
        }
    }

    private record RecordedEvent(long sequence, ClusterEvent event, Object oldObj, Object newObj) {
    }

    /** Sizes of the queue's parts, for metrics. */
    public record Sizes(int active, int backoff, int unschedulable, int gated) {
    }

    public SchedulingQueue(QueueProfiles profiles, Nominator nominator, Clock clock, Duration initialBackoff,
                           Duration maxBackoff, Duration maxInUnschedulable) {
        this.profiles = Objects.requireNonNull(profiles);
        this.nominator = Objects.requireNonNull(nominator);
        this.clock = clock;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.maxInUnschedulable = maxInUnschedulable;
        Comparator<QueuedPodInfo> active = (a, b) -> {
            if (profiles.less(a, b)) return -1;
            if (profiles.less(b, a)) return 1;
            return Long.compare(a.sequence, b.sequence);
        };
        this.activeQ = new IndexedHeap<>(QueuedPodInfo::uid, active);
        this.backoffQ = new IndexedHeap<>(QueuedPodInfo::uid,
            Comparator.<QueuedPodInfo>comparingLong(this::backoffExpiry).thenComparingLong(q -> q.sequence));
    }

    public Nominator nominator() {
        return nominator;
    }

    // ---- informer side ----

    /** A new pending pod: to the active queue, or gated by a PreEnqueue plugin. */
    public void add(PodInfo pod) {
        lock.lock();
        try {
            String uid = pod.uid();
            if (activeQ.contains(uid) || backoffQ.contains(uid) || unschedulablePods.containsKey(uid)) {
                updateLocked(null, pod);
                return;
            }
            InFlight f = inFlight.get(uid);
            if (f != null) {
                f.latest = pod;
                return;
            }
            QueuedPodInfo q = new QueuedPodInfo(pod, clock.millis());
            q.sequence = ++insertSequence;
            nominator.addFromStatus(pod);
            moveToActiveOrGate(q, false);
        } finally {
            lock.unlock();
        }
    }

    /** A pending pod changed (an unknown pod is added). */
    public void update(PodInfo oldPod, PodInfo newPod) {
        lock.lock();
        try {
            updateLocked(oldPod, newPod);
        } finally {
            lock.unlock();
        }
    }

    private void updateLocked(PodInfo oldPod, PodInfo newPod) {
        String uid = newPod.uid();
        QueuedPodInfo q = activeQ.get(uid);
        if (q != null) {
            q.setPodInfo(newPod);
            activeQ.addOrUpdate(q);
            nominator.update(oldPod, newPod);
            return;
        }
        q = backoffQ.get(uid);
        if (q != null) {
            q.setPodInfo(newPod);
            backoffQ.addOrUpdate(q);
            nominator.update(oldPod, newPod);
            return;
        }
        q = unschedulablePods.get(uid);
        if (q != null) {
            PodInfo before = q.podInfo();
            q.setPodInfo(newPod);
            nominator.update(oldPod, newPod);
            int actions = podUpdateActions(oldPod != null ? oldPod.pod() : before.pod(), newPod.pod());
            if (actions == 0) return;
            ClusterEvent ev = new ClusterEvent(EventResource.UNSCHEDULED_POD, actions, "UnscheduledPodUpdate");
            Set<String> rejectors = q.gated ? gatingSet(q) : rejectors(q);
            if (rejectors.isEmpty() || profiles.isWorthRequeuing(newPod, rejectors, ev, before.pod(), newPod.pod())) {
                unschedulablePods.remove(uid);
                moveToActiveOrGate(q, !q.gated);
            }
            return;
        }
        InFlight f = inFlight.get(uid);
        if (f != null) {
            f.latest = newPod;
            recordInFlightEvent(new ClusterEvent(EventResource.UNSCHEDULED_POD, ActionType.UPDATE, "UnscheduledPodUpdate"),
                oldPod == null ? null : oldPod.pod(), newPod.pod());
            return;
        }
        QueuedPodInfo fresh = new QueuedPodInfo(newPod, clock.millis());
        fresh.sequence = ++insertSequence;
        nominator.addFromStatus(newPod);
        moveToActiveOrGate(fresh, false);
    }

    /** A pending pod was deleted (or got bound by someone else). */
    public void delete(PodInfo pod) {
        lock.lock();
        try {
            String uid = pod.uid();
            activeQ.remove(uid);
            backoffQ.remove(uid);
            unschedulablePods.remove(uid);
            nominator.deleteNominatedPodIfExists(uid);
            InFlight f = inFlight.get(uid);
            if (f != null) f.deleted = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A cluster event: pods among the unschedulable ones that were rejected by a plugin interested in it move to the
     * backoff queue (still backing off) or the active queue.
     */
    public void moveAllToActiveOrBackoffQueue(ClusterEvent event, Object oldObj, Object newObj) {
        lock.lock();
        try {
            recordInFlightEvent(event, oldObj, newObj);
            if (unschedulablePods.isEmpty()) return;
            boolean moved = false;
            for (Iterator<QueuedPodInfo> it = unschedulablePods.values().iterator(); it.hasNext(); ) {
                QueuedPodInfo q = it.next();
                Set<String> rejectors = q.gated ? gatingSet(q) : rejectors(q);
                if (!rejectors.isEmpty() && !event.isWildcard()
                    && !profiles.isWorthRequeuing(q.podInfo(), rejectors, event, oldObj, newObj)) continue;
                if (q.gated) {
                    Status s = profiles.preEnqueue(q.podInfo());
                    if (!s.isSuccess()) {
                        q.gatingPlugin = s.plugin();
                        continue;
                    }
                    q.gated = false;
                    q.gatingPlugin = null;
                }
                it.remove();
                moved |= toActiveOrBackoffLocked(q, true);
            }
            if (moved) notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void recordInFlightEvent(ClusterEvent event, Object oldObj, Object newObj) {
        if (inFlight.isEmpty()) return;
        inFlightEvents.addLast(new RecordedEvent(++eventSequence, event, oldObj, newObj));
    }

    // ---- scheduling side ----

    /**
     * Takes the next pod to schedule, waiting as long as needed; null when the queue was closed. Moves pods whose
     * backoff expired first. The pod is "in flight" until {@link #done} or {@link #addUnschedulableIfNotPresent}.
     */
    public QueuedPodInfo pop() throws InterruptedException {
        return pop(Long.MAX_VALUE);
    }

    /** Like {@link #pop()} but gives up after {@code timeout}, returning null. */
    public QueuedPodInfo pop(Duration timeout) throws InterruptedException {
        return pop(timeout.toNanos());
    }

    private QueuedPodInfo pop(long timeoutNanos) throws InterruptedException {
        long deadline = timeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos;
        lock.lockInterruptibly();
        try {
            while (true) {
                if (closed) return null;
                flushBackoffQCompletedLocked();
                if (!activeQ.isEmpty()) break;
                long waitNanos = TimeUnit.SECONDS.toNanos(1);
                QueuedPodInfo next = backoffQ.peek();
                if (next != null) {
                    long untilMillis = backoffExpiry(next) - clock.millis();
                    waitNanos = Math.min(waitNanos, Math.max(TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(untilMillis)));
                }
                if (deadline != Long.MAX_VALUE) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) return null;
                    waitNanos = Math.min(waitNanos, left);
                }
                notEmpty.awaitNanos(waitNanos);
            }
            QueuedPodInfo q = activeQ.poll();
            q.attempts++;
            schedulingCycle++;
            inFlight.put(q.uid(), new InFlight(eventSequence));
            return q;
        } finally {
            lock.unlock();
        }
    }

    /** The number of pods popped so far; a pod's scheduling cycle is the value right after its pop. */
    public long schedulingCycle() {
        lock.lock();
        try {
            return schedulingCycle;
        } finally {
            lock.unlock();
        }
    }

    /** The pod's scheduling attempt ended (scheduled or handed back): it is no longer in flight. */
    public void done(String uid) {
        lock.lock();
        try {
            inFlight.remove(uid);
            trimInFlightEvents();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hands back a pod that failed to schedule. Ignored when the pod was re-added meanwhile (updated) or deleted.
     * A pod rejected by plugins goes to the unschedulable pods unless an event relevant to those plugins arrived while
     * it was in flight; a pod that failed with an error (no rejecting plugin) goes to the backoff queue.
     */
    public void addUnschedulableIfNotPresent(QueuedPodInfo q) {
        lock.lock();
        try {
            String uid = q.uid();
            InFlight f = inFlight.remove(uid);
            try {
                if (f != null && f.deleted) return;
                if (activeQ.contains(uid) || backoffQ.contains(uid) || unschedulablePods.containsKey(uid)) return;
                if (f != null && f.latest != null) q.setPodInfo(f.latest);
                q.timestamp = clock.millis();
                Set<String> rejectors = rejectors(q);
                boolean requeue = rejectors.isEmpty();
                if (!requeue && f != null) {
                    for (RecordedEvent e : inFlightEvents) {
                        if (e.sequence <= f.sinceEvent) continue;
                        if (profiles.isWorthRequeuing(q.podInfo(), rejectors, e.event, e.oldObj, e.newObj)) {
                            requeue = true;
                            break;
                        }
                    }
                }
                if (requeue) {
                    if (toActiveOrBackoffLocked(q, true)) notEmpty.signalAll();
                } else {
                    unschedulablePods.put(uid, q);
                }
            } finally {
                trimInFlightEvents();
            }
        } finally {
            lock.unlock();
        }
    }

    private void trimInFlightEvents() {
        if (inFlight.isEmpty()) {
            inFlightEvents.clear();
            return;
        }
        long min = Long.MAX_VALUE;
        for (InFlight f : inFlight.values()) min = Math.min(min, f.sinceEvent);
        while (!inFlightEvents.isEmpty() && inFlightEvents.peekFirst().sequence <= min) inFlightEvents.pollFirst();
    }

    /** Moves pods whose backoff expired to the active queue. */
    public void flushBackoffQCompleted() {
        lock.lock();
        try {
            flushBackoffQCompletedLocked();
        } finally {
            lock.unlock();
        }
    }

    private void flushBackoffQCompletedLocked() {
        long now = clock.millis();
        boolean moved = false;
        while (!backoffQ.isEmpty()) {
            QueuedPodInfo q = backoffQ.peek();
            if (backoffExpiry(q) > now) break;
            backoffQ.poll();
            activeQ.addOrUpdate(q);
            moved = true;
        }
        if (moved) notEmpty.signalAll();
    }

    /** Moves pods that waited longer than the limit among the unschedulable pods back (upstream: every 30 s). */
    public void flushUnschedulablePodsLeftover() {
        lock.lock();
        try {
            long now = clock.millis();
            List<QueuedPodInfo> toMove = new ArrayList<>();
            for (QueuedPodInfo q : unschedulablePods.values())
                if (!q.gated && now - q.timestamp > maxInUnschedulable.toMillis()) toMove.add(q);
            boolean moved = false;
            for (QueuedPodInfo q : toMove) {
                unschedulablePods.remove(q.uid());
                moved |= toActiveOrBackoffLocked(q, true);
            }
            if (moved) notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Closes the queue: {@link #pop} returns null from now on. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- helpers ----

    /** Returns true when the pod went to the active queue. */
    private boolean toActiveOrBackoffLocked(QueuedPodInfo q, boolean allowBackoff) {
        if (allowBackoff && backoffExpiry(q) > clock.millis()) {
            backoffQ.addOrUpdate(q);
            return false;
        }
        activeQ.addOrUpdate(q);
        return true;
    }

    private void moveToActiveOrGate(QueuedPodInfo q, boolean allowBackoff) {
        Status s = profiles.preEnqueue(q.podInfo());
        if (!s.isSuccess()) {
            q.gated = true;
            q.gatingPlugin = s.plugin();
            unschedulablePods.put(q.uid(), q);
            return;
        }
        q.gated = false;
        q.gatingPlugin = null;
        if (toActiveOrBackoffLocked(q, allowBackoff)) notEmpty.signalAll();
    }

    private static Set<String> rejectors(QueuedPodInfo q) {
        if (q.pendingPlugins.isEmpty()) return q.unschedulablePlugins;
        Set<String> s = new java.util.HashSet<>(q.unschedulablePlugins);
        s.addAll(q.pendingPlugins);
        return s;
    }

    private static Set<String> gatingSet(QueuedPodInfo q) {
        return q.gatingPlugin == null ? Set.of() : Set.of(q.gatingPlugin);
    }

    /** When the pod's backoff ends (epoch millis): last attempt time plus initial backoff doubled per extra attempt. */
    public long backoffExpiry(QueuedPodInfo q) {
        return q.timestamp + backoffDuration(q.attempts).toMillis();
    }

    /** The backoff after {@code attempts} attempts: 0 before the first, then initial, doubling, capped at the maximum. */
    public Duration backoffDuration(int attempts) {
        if (attempts <= 0) return Duration.ZERO;
        Duration d = initialBackoff;
        for (int i = 1; i < attempts; i++) {
            if (d.compareTo(maxBackoff.minus(d)) > 0) return maxBackoff;
            d = d.plus(d);
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    /** What changed in a pending pod, as {@link ActionType} bits; 0 when only status or metadata bookkeeping changed. */
    static int podUpdateActions(Pod oldPod, Pod newPod) {
        int actions = 0;
        if (!Objects.equals(labels(oldPod), labels(newPod))) actions |= ActionType.UPDATE_POD_LABEL;
        var os = oldPod.getSpec();
        var ns = newPod.getSpec();
        if (os == null || ns == null) return os == ns ? actions : actions | ActionType.UPDATE_OTHER;
        if (!Objects.equals(os.getTolerations(), ns.getTolerations())) actions |= ActionType.UPDATE_POD_TOLERATION;
        boolean oldGated = os.getSchedulingGates() != null && !os.getSchedulingGates().isEmpty();
        boolean newGated = ns.getSchedulingGates() != null && !ns.getSchedulingGates().isEmpty();
        if (oldGated && !newGated) actions |= ActionType.UPDATE_POD_SCHEDULING_GATES_ELIMINATED;
        if (actions == 0 && !os.equals(ns)) actions |= ActionType.UPDATE_OTHER;
        if (actions == 0 && !Objects.equals(annotations(oldPod), annotations(newPod))) actions |= ActionType.UPDATE_OTHER;
        return actions;
    }

    private static Map<String, String> labels(Pod p) {
        return p.getMetadata() == null ? null : p.getMetadata().getLabels();
    }

    private static Map<String, String> annotations(Pod p) {
        return p.getMetadata() == null ? null : p.getMetadata().getAnnotations();
    }

    // ---- introspection ----

    public Sizes sizes() {
        lock.lock();
        try {
            int gated = 0;
            for (QueuedPodInfo q : unschedulablePods.values()) if (q.gated) gated++;
            return new Sizes(activeQ.size(), backoffQ.size(), unschedulablePods.size() - gated, gated);
        } finally {
            lock.unlock();
        }
    }

    /** Where a pod is: "active", "backoff", "unschedulable", "gated", "inflight" or null. */
    public String whereIs(String uid) {
        lock.lock();
        try {
            if (activeQ.contains(uid)) return "active";
            if (backoffQ.contains(uid)) return "backoff";
            QueuedPodInfo q = unschedulablePods.get(uid);
            if (q != null) return q.gated ? "gated" : "unschedulable";
            if (inFlight.containsKey(uid)) return "inflight";
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Every queued pod (not in flight), for debugging. */
    public List<QueuedPodInfo> pendingPods() {
        lock.lock();
        try {
            List<QueuedPodInfo> out = new ArrayList<>(activeQ.list());
            out.addAll(backoffQ.list());
            out.addAll(unschedulablePods.values());
            return out;
        } finally {
            lock.unlock();
        }
    }
}
