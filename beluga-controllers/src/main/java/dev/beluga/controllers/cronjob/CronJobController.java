package dev.beluga.controllers.cronjob;

import dev.beluga.api.cron.CronSchedule;
import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.EventRecorder;
import dev.beluga.controllers.runtime.JobStates;
import dev.beluga.controllers.runtime.Keys;
import dev.beluga.controllers.runtime.Owners;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CronJob controller (upstream {@code pkg/controller/cronjob}, v2): starts a Job for the most recent schedule
 * time that passed since {@code status.lastScheduleTime} (or the CronJob's creation), in {@code spec.timeZone}
 * (an IANA name; unset means UTC, which is Beluga's controller-manager zone, where upstream uses the
 * controller-manager's local zone). "Now" is always {@code ctx.clock()}.
 *
 * <ul>
 *   <li>More than 100 missed times: Warning {@code TooManyMissedTimes}; only the latest is started.</li>
 *   <li>{@code startingDeadlineSeconds}: a time older than now minus the deadline is skipped (Warning
 *       {@code MissSchedule}, once per time).</li>
 *   <li>{@code suspend}: nothing is started (times missed meanwhile may start on resume, as upstream).</li>
 *   <li>{@code concurrencyPolicy}: Allow; Forbid skips while a Job is active (the skipped time may still start when
 *       the active Job finishes before the next time, as upstream); Replace deletes the active Jobs first.</li>
 *   <li>Jobs: see {@link CronJobJobs}; history: see {@link JobHistory}.</li>
 *   <li>Status: {@code active} = the owned Jobs not finished; {@code lastScheduleTime}; {@code lastSuccessfulTime}
 *       = the latest {@code completionTime} of a succeeded Job. Event {@code SawCompletedJob} when an active Job
 *       finishes.</li>
 * </ul>
 *
 * <p>Contract: {@code reconcile} is idempotent (a Job's name is fixed by its scheduled time, and a scheduled time
 * already handled is remembered per CronJob UID so a stale cache does not start it twice) and runs for one key on one
 * worker at a time; it requeues itself at the next schedule time. Handlers run on the informer threads and only
 * enqueue. An invalid schedule or time zone is reported as a Warning event ({@code UnparseableSchedule},
 * {@code UnknownTimeZone}) and not retried until the CronJob changes.
 */
public final class CronJobController implements Controller {
    private static final Logger log = LoggerFactory.getLogger(CronJobController.class);
    private static final Set<String> ZONES = Set.copyOf(ZoneId.getAvailableZoneIds());

    private ControllerContext ctx;
    private WorkQueue<String> queue;
    private CronJobJobs jobs;
    /** Per CronJob UID: the latest scheduled time handled (a Job created or found), ahead of a stale cache. */
    private final Map<String, Instant> handled = new ConcurrentHashMap<>();
    /** Per CronJob UID: the scheduled time last reported as missed. */
    private final Map<String, Instant> missReported = new ConcurrentHashMap<>();
    /** UIDs of Jobs whose completion was reported. */
    private final Set<String> sawCompleted = ConcurrentHashMap.newKeySet();

    @Override
    public String name() {
        return "cronjob-controller";
    }

    @Override
    public void register(ControllerContext ctx, WorkQueue<String> queue) {
        this.ctx = ctx;
        this.queue = queue;
        this.jobs = new CronJobJobs(ctx.client(), ctx.events(), name());
        ctx.informers().informer(CronJob.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(CronJob cj) {
                queue.add(Keys.of(cj));
            }

            @Override
            public void onUpdate(CronJob o, CronJob cj) {
                queue.add(Keys.of(cj));
            }

            @Override
            public void onDelete(CronJob cj, boolean unknown) {
                handled.remove(cj.getMetadata().getUid());
                missReported.remove(cj.getMetadata().getUid());
            }
        });
        ctx.informers().informer(Job.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Job j) {
                enqueueOwner(j);
            }

            @Override
            public void onUpdate(Job o, Job j) {
                OwnerReference before = Owners.controllerOf(o);
                OwnerReference after = Owners.controllerOf(j);
                if (before != null && (after == null || !Objects.equals(before.getUid(), after.getUid()))) enqueueOwner(o);
                enqueueOwner(j);
            }

            @Override
            public void onDelete(Job j, boolean unknown) {
                sawCompleted.remove(j.getMetadata().getUid());
                enqueueOwner(j);
            }
        });
    }

    private void enqueueOwner(Job j) {
        OwnerReference ref = Owners.controllerOf(j);
        if (ref != null && "CronJob".equals(ref.getKind())) queue.add(Keys.of(j.getMetadata().getNamespace(), ref.getName()));
    }

    @Override
    public void reconcile(String key) {
        CronJob cj = ctx.informers().get(CronJob.class, Keys.namespace(key), Keys.name(key));
        if (cj == null) return;
        String uid = cj.getMetadata().getUid();
        List<Job> owned = ctx.informers().list(Job.class, cj.getMetadata().getNamespace()).stream()
            .filter(j -> Owners.isControlledBy(j, cj)).toList();
        CronJobStatusView old = CronJobStatusView.of(cj);

        List<ObjectReference> active = new ArrayList<>();
        Instant lastSuccess = old.lastSuccessfulTime();
        for (Job j : owned) {
            var finished = JobStates.finishedCondition(j);
            if (finished == null) {
                active.add(old.active().getOrDefault(j.getMetadata().getUid(), CronJobJobs.ref(j)));
                continue;
            }
            if (old.active().containsKey(j.getMetadata().getUid()) && sawCompleted.add(j.getMetadata().getUid()))
                ctx.events().event(cj, name(), EventRecorder.NORMAL, "SawCompletedJob",
                    "Saw completed job: " + j.getMetadata().getName() + ", condition: " + finished.getType());
            Instant completed = j.getStatus().getCompletionTime() == null ? null : JobStates.time(j.getStatus().getCompletionTime());
            if (JobStates.isSucceeded(j) && completed != null && (lastSuccess == null || completed.isAfter(lastSuccess))) lastSuccess = completed;
        }

        Instant lastSchedule = later(old.lastScheduleTime(), handled.get(uid));
        if (cj.getMetadata().getDeletionTimestamp() == null) {
            lastSchedule = startDue(cj, key, owned, active, lastSchedule);
            for (Job j : JobHistory.excess(cj, owned)) jobs.delete(j, cj);
        }
        old.writeIfChanged(ctx.client(), cj, active, lastSchedule, lastSuccess);
    }

    /**
     * Starts a Job for the most recent due schedule time if the policies allow; updates {@code active}; requeues at
     * the next time. Returns the new last schedule time.
     */
    private Instant startDue(CronJob cj, String key, List<Job> owned, List<ObjectReference> active, Instant lastSchedule) {
        ZoneId zone;
        CronSchedule schedule;
        try {
            zone = zone(cj.getSpec().getTimeZone());
        } catch (DateTimeException e) {
            ctx.events().event(cj, name(), EventRecorder.WARNING, "UnknownTimeZone", "invalid timeZone: \"" + cj.getSpec().getTimeZone() + "\": " + e.getMessage());
            return lastSchedule;
        }
        try {
            schedule = CronSchedule.parse(cj.getSpec().getSchedule());
        } catch (IllegalArgumentException e) {
            ctx.events().event(cj, name(), EventRecorder.WARNING, "UnparseableSchedule", "unparseable schedule: " + e.getMessage());
            return lastSchedule;
        }
        if (Boolean.TRUE.equals(cj.getSpec().getSuspend())) return lastSchedule;

        Instant nowInstant = ctx.clock().instant();
        ZonedDateTime now = nowInstant.atZone(zone);
        ZonedDateTime next = schedule.next(now);
        if (next != null) queue.addAfter(key, Duration.between(nowInstant, next.toInstant()).plusMillis(100));

        String uid = cj.getMetadata().getUid();
        Instant earliest = lastSchedule != null ? lastSchedule : JobStates.time(cj.getMetadata().getCreationTimestamp());
        if (earliest == null) earliest = nowInstant;
        MissedSchedules missed = MissedSchedules.between(schedule, earliest.atZone(zone), now);
        if (missed.mostRecent() == null) return lastSchedule;
        ZonedDateTime scheduled = missed.mostRecent();
        Long deadline = cj.getSpec().getStartingDeadlineSeconds();
        if (deadline != null && scheduled.toInstant().plusSeconds(deadline).isBefore(nowInstant)) {
            if (!scheduled.toInstant().equals(missReported.put(uid, scheduled.toInstant())))
                ctx.events().event(cj, name(), EventRecorder.WARNING, "MissSchedule", "Missed scheduled time to start a job: " + scheduled.toOffsetDateTime());
            return lastSchedule;
        }
        int count = missed.count();
        if (deadline != null) {
            Instant windowStart = later(earliest, nowInstant.minusSeconds(deadline));
            count = MissedSchedules.between(schedule, windowStart.atZone(zone), now).count();
        }
        if (count > MissedSchedules.LIMIT)
            ctx.events().event(cj, name(), EventRecorder.WARNING, "TooManyMissedTimes", "too many missed start times: more than "
                + MissedSchedules.LIMIT + ". Set or decrease .spec.startingDeadlineSeconds or check clock skew");

        String jobName = CronJobJobs.jobName(cj, scheduled);
        if (owned.stream().anyMatch(j -> j.getMetadata().getName().equals(jobName))) return handled(uid, scheduled, lastSchedule);
        String policy = cj.getSpec().getConcurrencyPolicy() == null ? "Allow" : cj.getSpec().getConcurrencyPolicy();
        if ("Forbid".equals(policy) && !active.isEmpty()) {
            log.debug("{}: not starting the job for {}: a prior one is running and concurrencyPolicy is Forbid", key, scheduled);
            return lastSchedule;
        }
        if ("Replace".equals(policy)) {
            Map<String, Job> byUid = new HashMap<>();
            for (Job j : owned) byUid.put(j.getMetadata().getUid(), j);
            for (ObjectReference ref : List.copyOf(active)) {
                Job j = byUid.get(ref.getUid());
                if (j != null && j.getMetadata().getDeletionTimestamp() == null) jobs.delete(j, cj);
                active.remove(ref);
            }
        }
        Job created = jobs.create(CronJobJobs.fromTemplate(cj, scheduled), cj);
        if (created != null) active.add(CronJobJobs.ref(created));
        return handled(uid, scheduled, lastSchedule);
    }

    private Instant handled(String uid, ZonedDateTime scheduled, Instant lastSchedule) {
        Instant t = later(lastSchedule, scheduled.toInstant());
        handled.merge(uid, t, CronJobController::later);
        return t;
    }

    /** The CronJob's time zone: an IANA name, or UTC when unset. */
    static ZoneId zone(String timeZone) {
        if (timeZone == null || timeZone.isEmpty()) return ZoneOffset.UTC;
        if (!ZONES.contains(timeZone)) throw new DateTimeException("unknown time zone " + timeZone);
        return ZoneId.of(timeZone);
    }

    private static Instant later(Instant a, Instant b) {
        if (a == null) return b;
        if (b == null) return a;
        return a.isAfter(b) ? a : b;
    }
}
