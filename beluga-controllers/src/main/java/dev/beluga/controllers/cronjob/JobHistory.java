package dev.beluga.controllers.cronjob;

import dev.beluga.controllers.runtime.JobStates;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which finished Jobs of a CronJob to delete (upstream's {@code cleanupFinishedJobs}): succeeded Jobs beyond
 * {@code successfulJobsHistoryLimit} and failed ones beyond {@code failedJobsHistoryLimit}, oldest first (by start
 * time, else creation time, then name). A limit that is unset keeps every Job of its kind; Jobs already being
 * deleted are not counted. Stateless.
 */
final class JobHistory {
    private JobHistory() {
    }

    private static final Comparator<Job> OLDEST_FIRST = Comparator.comparing(JobHistory::started, Comparator.nullsLast(Comparator.naturalOrder()))
        .thenComparing(j -> j.getMetadata().getName());

    /** The Jobs to delete, oldest first. */
    static List<Job> excess(CronJob cj, List<Job> owned) {
        List<Job> succeeded = new ArrayList<>();
        List<Job> failed = new ArrayList<>();
        for (Job j : owned) {
            if (j.getMetadata().getDeletionTimestamp() != null || !JobStates.isFinished(j)) continue;
            (JobStates.isSucceeded(j) ? succeeded : failed).add(j);
        }
        List<Job> delete = new ArrayList<>();
        delete.addAll(beyond(succeeded, cj.getSpec().getSuccessfulJobsHistoryLimit()));
        delete.addAll(beyond(failed, cj.getSpec().getFailedJobsHistoryLimit()));
        return delete;
    }

    private static List<Job> beyond(List<Job> jobs, Integer limit) {
        if (limit == null || jobs.size() <= Math.max(0, limit)) return List.of();
        jobs.sort(OLDEST_FIRST);
        return jobs.subList(0, jobs.size() - Math.max(0, limit));
    }

    private static Instant started(Job j) {
        Instant t = j.getStatus() == null ? null : JobStates.time(j.getStatus().getStartTime());
        return t != null ? t : JobStates.time(j.getMetadata().getCreationTimestamp());
    }
}
