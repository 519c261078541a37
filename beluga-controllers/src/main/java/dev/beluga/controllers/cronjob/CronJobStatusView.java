package dev.beluga.controllers.cronjob;

import dev.beluga.controllers.runtime.JobStates;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A CronJob's status as the controller read it (active references by Job UID, times parsed), and the write of the
 * next status through the {@code status} subresource when it differs (an unchanged time keeps its text, a kept
 * Job keeps its reference, so nothing is written for nothing). A conflict is thrown (the key is retried). Immutable.
 */
record CronJobStatusView(CronJobStatus raw, Map<String, ObjectReference> active, Instant lastScheduleTime, Instant lastSuccessfulTime) {

    static CronJobStatusView of(CronJob cj) {
        CronJobStatus s = cj.getStatus() == null ? new CronJobStatus() : cj.getStatus();
        Map<String, ObjectReference> active = new LinkedHashMap<>();
        if (s.getActive() != null) for (ObjectReference r : s.getActive()) if (r.getUid() != null) active.put(r.getUid(), r);
        return new CronJobStatusView(s, active, JobStates.time(s.getLastScheduleTime()), JobStates.time(s.getLastSuccessfulTime()));
    }

    /** Writes the status if it changed. */
    void writeIfChanged(KubernetesClient client, CronJob cj, List<ObjectReference> nextActive, Instant lastSchedule, Instant lastSuccess) {
        List<ObjectReference> sorted = new ArrayList<>(nextActive);
        sorted.sort(Comparator.comparing(ObjectReference::getName));
        String schedule = Objects.equals(lastSchedule, lastScheduleTime) ? raw.getLastScheduleTime() : text(lastSchedule);
        String success = Objects.equals(lastSuccess, lastSuccessfulTime) ? raw.getLastSuccessfulTime() : text(lastSuccess);
        List<ObjectReference> before = raw.getActive() == null ? List.of() : raw.getActive();
        if (before.equals(sorted) && Objects.equals(schedule, raw.getLastScheduleTime()) && Objects.equals(success, raw.getLastSuccessfulTime())) return;
        CronJobStatus next = new CronJobStatusBuilder(raw).withActive(sorted.isEmpty() ? null : sorted)
            .withLastScheduleTime(schedule).withLastSuccessfulTime(success).build();
        try {
            client.batch().v1().cronjobs().inNamespace(cj.getMetadata().getNamespace()).resource(new CronJobBuilder(cj).withStatus(next).build()).updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) throw e;
        }
    }

    private static String text(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
