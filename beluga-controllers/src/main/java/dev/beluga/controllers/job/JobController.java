package dev.beluga.controllers.job;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.EventRecorder;
import dev.beluga.controllers.runtime.Expectations;
import dev.beluga.controllers.runtime.Keys;
import dev.beluga.controllers.runtime.OwnedPodEvents;
import dev.beluga.controllers.runtime.Owners;
import dev.beluga.controllers.runtime.PodControl;
import dev.beluga.controllers.runtime.PodStates;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.UncountedTerminatedPods;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Job controller (upstream {@code pkg/controller/job}): runs pods until {@code completions} succeed
 * (NonIndexed), every index in {@code [0, completions)} succeeded once (Indexed), or — without completions — one pod
 * succeeded and none is left running; at most {@code parallelism} at a time.
 *
 * <p>Pods are tracked with the {@code batch.kubernetes.io/job-tracking} finalizer as upstream: a terminated pod's
 * UID is first written to {@code status.uncountedTerminatedPods}, then its finalizer removed, then it is moved into
 * {@code succeeded}/{@code failed}; so a pod deleted right after it finished is still counted exactly once, across
 * controller restarts. Pods deleted before finishing count as failed.
 *
 * <p>Failure handling: {@code podFailurePolicy} (FailJob, Ignore, Count; FailIndex counts as Count), failures plus
 * container restarts (restartPolicy OnFailure) above {@code backoffLimit} fail the Job (BackoffLimitExceeded), as
 * does running longer than {@code activeDeadlineSeconds} (DeadlineExceeded); replacements after a failure wait
 * {@code 10 s × 2^(failures-1)}, at most 6 minutes. {@code suspend} deletes the active pods and sets the Suspended
 * condition; resuming resets {@code startTime}. Finishing sets Complete (with {@code completionTime}) or Failed and
 * deletes the pods still active. Events: SuccessfulCreate, SuccessfulDelete, Completed, BackoffLimitExceeded,
 * DeadlineExceeded, PodFailurePolicy, Suspended, Resumed.
 *
 * <p>Reconcile reads the caches; expectations keep it from creating twice while its creations are in flight, and the
 * set of pods whose finalizer it removed keeps it from counting a pod twice while the cache lags. Thread-safe per the
 * work queue's one-worker-per-key guarantee.
 */
public final class JobController implements Controller {
    static final Duration MAX_BACKOFF = Duration.ofMinutes(6);
    private final Duration backoffBase;
    private ControllerContext ctx;
    private WorkQueue<String> queue;
    private Expectations expectations;
    private PodControl podControl;
    /** UIDs whose finalizer this controller removed (counted), until the cache shows the pod without it. */
    private final Map<String, Boolean> counted = new ConcurrentHashMap<>();
    /** When the controller last counted a failed pod, per job key (the start of the backoff). */
    private final Map<String, Instant> lastFailure = new ConcurrentHashMap<>();

    public JobController() {
        this(Duration.ofSeconds(10));
    }

    /** @param backoffBase the delay before the first replacement of a failed pod (tests shorten it) */
    public JobController(Duration backoffBase) {
        this.backoffBase = backoffBase;
    }

    @Override
    public String name() {
        return "job-controller";
    }

    @Override
    public int workers() {
        return 5;
    }

    @Override
    public void register(ControllerContext ctx, WorkQueue<String> queue) {
        this.ctx = ctx;
        this.queue = queue;
        this.expectations = new Expectations(ctx.clock());
        this.podControl = new PodControl(ctx.client(), ctx.events(), name());
        ctx.informers().informer(Job.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Job j) {
                queue.add(Keys.of(j));
            }

            @Override
            public void onUpdate(Job o, Job j) {
                queue.add(Keys.of(j));
            }

            @Override
            public void onDelete(Job j, boolean unknown) {
                expectations.delete(Keys.of(j));
                lastFailure.remove(Keys.of(j));
            }
        });
        OwnedPodEvents owned = new OwnedPodEvents("Job", expectations, queue, p -> { });
        ctx.informers().informer(Pod.class).addEventHandler(owned);
        // the finalizer bookkeeping: a pod whose finalizer is gone, or the pod itself, no longer needs remembering
        ctx.informers().informer(Pod.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
            }

            @Override
            public void onUpdate(Pod o, Pod p) {
                if (!JobPods.tracked(p)) counted.remove(p.getMetadata().getUid());
            }

            @Override
            public void onDelete(Pod p, boolean unknown) {
                counted.remove(p.getMetadata().getUid());
            }
        });
    }

    @Override
    public void reconcile(String key) {
        Job job = ctx.informers().get(Job.class, Keys.namespace(key), Keys.name(key));
        if (job == null) {
            expectations.delete(key);
            return;
        }
        List<Pod> pods = new ArrayList<>();
        for (Pod p : ctx.informers().list(Pod.class, job.getMetadata().getNamespace()))
            if (Owners.isControlledBy(p, job)) pods.add(p);
        if (finished(job)) {
            // the pods of a finished job need no tracking any more: let them go
            for (Pod p : pods) if (JobPods.tracked(p) && !counted.containsKey(p.getMetadata().getUid())) JobPods.removeTrackingFinalizer(ctx.client(), p);
            return;
        }
        new Sync(key, job, pods).run();
    }

    static boolean finished(Job job) {
        return hasCondition(job.getStatus(), "Complete") || hasCondition(job.getStatus(), "Failed");
    }

    static boolean hasCondition(JobStatus status, String type) {
        if (status == null || status.getConditions() == null) return false;
        for (JobCondition c : status.getConditions()) if (type.equals(c.getType()) && "True".equals(c.getStatus())) return true;
        return false;
    }

    /** One reconciliation of one job. */
    private final class Sync {
        private final String key;
        private Job job;
        private final List<Pod> pods;
        private final Instant now = ctx.clock().instant();
        private final boolean indexed;
        private final Integer completions;
        private JobStatus status;
        private String failReason;
        private String failMessage;

        Sync(String key, Job job, List<Pod> pods) {
            this.key = key;
            this.job = job;
            this.pods = pods;
            this.completions = job.getSpec().getCompletions();
            this.indexed = "Indexed".equals(job.getSpec().getCompletionMode()) && completions != null;
            this.status = job.getStatus() == null ? new JobStatus() : new JobStatusBuilder(job.getStatus()).build();
        }

        void run() {
            boolean suspended = Boolean.TRUE.equals(job.getSpec().getSuspend());
            if (status.getStartTime() == null && !suspended) status.setStartTime(now.toString());
            trackTerminatedPods();
            List<Pod> active = pods.stream().filter(PodStates::isActive).toList();
            int succeeded = count(status.getSucceeded()) + uncounted(true).size();
            int failed = count(status.getFailed()) + uncounted(false).size();
            int restarts = "OnFailure".equals(job.getSpec().getTemplate().getSpec().getRestartPolicy())
                ? active.stream().mapToInt(PodStates::restarts).sum() : 0;
            int backoffLimit = job.getSpec().getBackoffLimit() == null ? 6 : job.getSpec().getBackoffLimit();
            Long deadline = job.getSpec().getActiveDeadlineSeconds();
            if (failReason == null && failed + restarts > backoffLimit) {
                failReason = "BackoffLimitExceeded";
                failMessage = "Job has reached the specified backoff limit";
            }
            if (failReason == null && deadline != null && status.getStartTime() != null && !suspended
                && !Instant.parse(status.getStartTime()).plusSeconds(deadline).isAfter(now)) {
                failReason = "DeadlineExceeded";
                failMessage = "Job was active longer than specified deadline";
            }
            BitSet done = CompletionIndexes.parse(status.getCompletedIndexes());
            if (failReason != null) {
                deleteAll(active);
                setCondition("Failed", "True", failReason, failMessage);
                ctx.events().event(job, name(), EventRecorder.WARNING, failReason, failMessage);
            } else if (complete(succeeded, done, active)) {
                deleteAll(active);
                setCondition("Complete", "True", null, null);
                status.setCompletionTime(now.toString());
                ctx.events().event(job, name(), EventRecorder.NORMAL, "Completed", "Job completed");
            } else if (suspended) {
                deleteAll(active);
                if (!hasCondition(status, "Suspended")) {
                    setCondition("Suspended", "True", "JobSuspended", "Job suspended");
                    status.setStartTime(null);
                    ctx.events().event(job, name(), EventRecorder.NORMAL, "Suspended", "Job suspended");
                }
            } else {
                if (hasCondition(status, "Suspended")) {
                    setCondition("Suspended", "False", "JobResumed", "Job resumed");
                    ctx.events().event(job, name(), EventRecorder.NORMAL, "Resumed", "Job resumed");
                }
                if (expectations.satisfied(key)) manage(active, succeeded, failed, done);
                if (deadline != null && status.getStartTime() != null)
                    queue.addAfter(key, Duration.between(now, Instant.parse(status.getStartTime()).plusSeconds(deadline)).plusMillis(10));
            }
            writeStatus(active);
        }

        private boolean complete(int succeeded, BitSet done, List<Pod> active) {
            if (indexed) return completions != null && done.cardinality() >= completions;
            if (completions != null) return succeeded >= completions;
            return succeeded > 0 && active.isEmpty();
        }

        /** Records newly terminated pods as uncounted, removes their finalizers, then counts them. */
        private void trackTerminatedPods() {
            Set<String> succ = uncounted(true);
            Set<String> fail = uncounted(false);
            BitSet done = CompletionIndexes.parse(status.getCompletedIndexes());
            List<Pod> release = new ArrayList<>();
            Set<String> ignored = new HashSet<>();
            boolean changed = false;
            for (Pod p : pods) {
                String uid = p.getMetadata().getUid();
                if (!JobPods.tracked(p) || counted.containsKey(uid)) continue;
                String phase = PodStates.phase(p);
                if (succ.contains(uid) || fail.contains(uid)) {
                    release.add(p);
                    continue;
                }
                if ("Succeeded".equals(phase)) {
                    succ.add(uid);
                    int idx = indexed && completions != null ? CompletionIndexes.of(p, completions) : -1;
                    if (idx >= 0) done.set(idx);
                } else if ("Failed".equals(phase) || p.getMetadata().getDeletionTimestamp() != null) {
                    var decision = "Failed".equals(phase) ? PodFailurePolicies.decide(job.getSpec().getPodFailurePolicy(), p)
                        : PodFailurePolicies.Decision.COUNT;
                    if ("Ignore".equals(decision.action())) {
                        ignored.add(uid);
                        release.add(p);
                        continue;
                    }
                    if ("FailJob".equals(decision.action()) && failReason == null) {
                        failReason = "PodFailurePolicy";
                        failMessage = decision.message();
                    }
                    fail.add(uid);
                    lastFailure.put(key, now);
                } else {
                    continue;
                }
                release.add(p);
                changed = true;
            }
            if (changed) {
                setUncounted(succ, fail);
                status.setCompletedIndexes(CompletionIndexes.format(done));
                job = putStatus(); // first record them, so a crash after the finalizer is gone loses nothing
            }
            Set<String> released = new HashSet<>();
            for (Pod p : release) {
                JobPods.removeTrackingFinalizer(ctx.client(), p);
                counted.put(p.getMetadata().getUid(), true);
                released.add(p.getMetadata().getUid());
            }
            // every uncounted pod whose finalizer is gone (or whose pod is gone) moves into the counters
            Set<String> present = new HashSet<>();
            for (Pod p : pods) if (JobPods.tracked(p) && !released.contains(p.getMetadata().getUid())) present.add(p.getMetadata().getUid());
            int movedSucc = 0;
            int movedFail = 0;
            for (var it = succ.iterator(); it.hasNext(); ) if (!present.contains(it.next())) { it.remove(); movedSucc++; }
            for (var it = fail.iterator(); it.hasNext(); ) if (!present.contains(it.next())) { it.remove(); movedFail++; }
            status.setSucceeded(count(status.getSucceeded()) + movedSucc);
            status.setFailed(count(status.getFailed()) + movedFail);
            setUncounted(succ, fail);
            ignored.forEach(counted::remove);
        }

        private Set<String> uncounted(boolean succeeded) {
            UncountedTerminatedPods u = status.getUncountedTerminatedPods();
            List<String> l = u == null ? null : succeeded ? u.getSucceeded() : u.getFailed();
            return new LinkedHashSet<>(l == null ? List.of() : l);
        }

        private void setUncounted(Set<String> succ, Set<String> fail) {
            status.setUncountedTerminatedPods(new UncountedTerminatedPods(new ArrayList<>(fail), new ArrayList<>(succ)));
        }

        /** Creates or deletes pods towards the wanted number of active pods (or indexes). */
        private void manage(List<Pod> active, int succeeded, int failed, BitSet done) {
            int parallelism = job.getSpec().getParallelism() == null ? 1 : job.getSpec().getParallelism();
            List<Integer> create = new ArrayList<>();
            List<Pod> delete = new ArrayList<>();
            if (indexed) {
                Set<Integer> running = new HashSet<>();
                List<Pod> sorted = new ArrayList<>(active);
                sorted.sort(Comparator.comparing(PodStates::created));
                for (Pod p : sorted) {
                    int idx = CompletionIndexes.of(p, completions);
                    if (idx < 0 || done.get(idx) || !running.add(idx)) delete.add(p); // invalid, done or duplicate index
                }
                int room = parallelism - running.size();
                for (int i = 0; i < completions && create.size() < room; i++) if (!done.get(i) && !running.contains(i)) create.add(i);
            } else {
                int want = completions == null ? (succeeded > 0 ? Math.min(parallelism, active.size()) : parallelism)
                    : Math.min(parallelism, completions - succeeded);
                if (active.size() > want) {
                    List<Pod> sorted = new ArrayList<>(active);
                    // not ready first, then newest first (upstream's activePods ordering, reversed)
                    sorted.sort(Comparator.comparing(PodStates::isReady).thenComparing(PodStates::created, Comparator.reverseOrder()));
                    delete.addAll(sorted.subList(0, active.size() - want));
                }
                for (int i = active.size(); i < want; i++) create.add(-1);
            }
            if (!create.isEmpty() && failed > 0) {
                Instant last = lastFailure.get(key);
                if (last != null) {
                    long factor = 1L << Math.min(failed - 1, 20);
                    Duration wait = backoffBase.multipliedBy(factor);
                    if (wait.compareTo(MAX_BACKOFF) > 0) wait = MAX_BACKOFF;
                    Instant ready = last.plus(wait);
                    if (ready.isAfter(now)) {
                        queue.addAfter(key, Duration.between(now, ready));
                        create.clear();
                    }
                }
            }
            if (create.isEmpty() && delete.isEmpty()) return;
            expectations.expect(key, create.size(), delete.size());
            for (Pod p : delete) {
                try {
                    JobPods.removeTrackingFinalizer(ctx.client(), p);
                    counted.put(p.getMetadata().getUid(), true);
                    podControl.delete(p, job);
                } catch (KubernetesClientException e) {
                    expectations.deletionObserved(key);
                    throw e;
                }
            }
            for (int idx : create) {
                try {
                    podControl.create(JobPods.newPod(job, idx), job);
                } catch (KubernetesClientException e) {
                    expectations.creationObserved(key);
                    throw e;
                }
            }
        }

        /** Deletes pods the job no longer wants; they are not counted as failures. */
        private void deleteAll(List<Pod> active) {
            for (Pod p : active) {
                JobPods.removeTrackingFinalizer(ctx.client(), p);
                counted.put(p.getMetadata().getUid(), true);
                podControl.delete(p, job);
            }
        }

        private void setCondition(String type, String value, String reason, String message) {
            List<JobCondition> conditions = new ArrayList<>(status.getConditions() == null ? List.of() : status.getConditions());
            JobCondition existing = conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
            if (existing != null && value.equals(existing.getStatus()) && Objects.equals(reason, existing.getReason())) return;
            conditions.remove(existing);
            conditions.add(new JobConditionBuilder().withType(type).withStatus(value).withReason(reason).withMessage(message)
                .withLastProbeTime(now.toString()).withLastTransitionTime(now.toString()).build());
            status.setConditions(conditions);
        }

        private void writeStatus(List<Pod> activeBefore) {
            boolean finishing = failReason != null || hasCondition(status, "Complete") || hasCondition(status, "Suspended");
            int active = finishing ? 0 : activeBefore.size();
            int ready = finishing ? 0 : (int) activeBefore.stream().filter(PodStates::isReady).count();
            int terminating = (int) pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() != null).count();
            status.setActive(active == 0 ? null : active);
            status.setReady(ready);
            status.setTerminating(terminating);
            if (status.getSucceeded() == null) status.setSucceeded(0);
            if (status.getFailed() == null) status.setFailed(0);
            if (Objects.equals(status, job.getStatus())) return;
            job = putStatus();
        }

        private Job putStatus() {
            Job copy = new JobBuilder(job).withStatus(status).build();
            Job written = ctx.client().batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).resource(copy).updateStatus();
            status = new JobStatusBuilder(written.getStatus()).build();
            return written;
        }
    }

    private static int count(Integer i) {
        return i == null ? 0 : i;
    }
}
