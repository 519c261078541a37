package dev.beluga.controllers.runtime;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;

import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Job status predicates shared by the CronJob and TTL-after-finished controllers (upstream {@code jobutil}): a Job is
 * finished when it has a {@code Complete} or {@code Failed} condition with status {@code True}. Stateless.
 */
public final class JobStates {
    private JobStates() {
    }

    /** The {@code Complete} or {@code Failed} condition that is true, or null while the job runs. */
    public static JobCondition finishedCondition(Job j) {
        if (j.getStatus() == null || j.getStatus().getConditions() == null) return null;
        for (JobCondition c : j.getStatus().getConditions())
            if (("Complete".equals(c.getType()) || "Failed".equals(c.getType())) && "True".equals(c.getStatus())) return c;
        return null;
    }

    public static boolean isFinished(Job j) {
        return finishedCondition(j) != null;
    }

    public static boolean isSucceeded(Job j) {
        JobCondition c = finishedCondition(j);
        return c != null && "Complete".equals(c.getType());
    }

    /**
     * When the job finished: {@code status.completionTime}, else the finished condition's
     * {@code lastTransitionTime}; null when not finished or the time is unknown.
     */
    public static Instant finishTime(Job j) {
        JobCondition c = finishedCondition(j);
        if (c == null) return null;
        Instant completion = time(j.getStatus().getCompletionTime());
        return completion != null ? completion : time(c.getLastTransitionTime());
    }

    /** Parses an API timestamp (RFC 3339, any offset); null when absent or unparsable. */
    public static Instant time(String rfc3339) {
        if (rfc3339 == null || rfc3339.isEmpty()) return null;
        try {
            return OffsetDateTime.parse(rfc3339).toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
