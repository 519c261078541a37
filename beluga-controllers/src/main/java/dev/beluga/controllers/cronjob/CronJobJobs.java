package dev.beluga.controllers.cronjob;

import dev.beluga.controllers.runtime.EventRecorder;
import dev.beluga.controllers.runtime.Owners;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpecBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;

/**
 * Creates and deletes a CronJob's Jobs (upstream's {@code jobControl} plus {@code getJobFromTemplate2}): a Job per
 * scheduled time, named {@code <cronjob>-<scheduled time in epoch minutes>} so that creating it twice is harmless,
 * with the template's labels, annotations and spec, the {@value #SCHEDULED_TIMESTAMP} annotation and a controller
 * reference to the CronJob; deletions use background propagation. Events {@code SuccessfulCreate},
 * {@code FailedCreate}, {@code SuccessfulDelete}, {@code FailedDelete} on the CronJob. Thread-safe; each call is one
 * API request.
 */
final class CronJobJobs {
    static final String SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp";
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");

    private final KubernetesClient client;
    private final EventRecorder events;
    private final String component;

    CronJobJobs(KubernetesClient client, EventRecorder events, String component) {
        this.client = client;
        this.events = events;
        this.component = component;
    }

    /** The name of the Job for a scheduled time. */
    static String jobName(CronJob cj, ZonedDateTime scheduled) {
        return cj.getMetadata().getName() + "-" + Math.floorDiv(scheduled.toEpochSecond(), 60);
    }

    /** The Job the CronJob's template makes for a scheduled time (not yet created). */
    static Job fromTemplate(CronJob cj, ZonedDateTime scheduled) {
        var template = cj.getSpec().getJobTemplate();
        ObjectMeta tm = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        Map<String, String> annotations = tm.getAnnotations() == null ? new HashMap<>() : new HashMap<>(tm.getAnnotations());
        annotations.put(SCHEDULED_TIMESTAMP, RFC3339.format(scheduled));
        return new JobBuilder().withNewMetadata().withName(jobName(cj, scheduled)).withNamespace(cj.getMetadata().getNamespace())
            .withLabels(tm.getLabels() == null ? null : new HashMap<>(tm.getLabels())).withAnnotations(annotations)
            .withOwnerReferences(Owners.controllerRef(cj)).endMetadata()
            .withSpec(template.getSpec() == null ? null : new JobSpecBuilder(template.getSpec()).build()).build();
    }

    /** A reference to a Job, as {@code status.active} holds them. */
    static ObjectReference ref(Job j) {
        return new ObjectReferenceBuilder().withApiVersion("batch/v1").withKind("Job").withNamespace(j.getMetadata().getNamespace())
            .withName(j.getMetadata().getName()).withUid(j.getMetadata().getUid()).withResourceVersion(j.getMetadata().getResourceVersion()).build();
    }

    /** Creates the Job; returns it, or null when a Job of that name already exists (created before). */
    Job create(Job job, CronJob cj) {
        try {
            Job created = client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).resource(job).create();
            events.event(cj, component, EventRecorder.NORMAL, "SuccessfulCreate", "Created job " + created.getMetadata().getName());
            return created;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) return null;
            events.event(cj, component, EventRecorder.WARNING, "FailedCreate", "Error creating job: " + message(e));
            throw e;
        }
    }

    /** Deletes the Job with background propagation; one already gone is not an error. */
    void delete(Job job, CronJob cj) {
        try {
            var deleted = client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).withName(job.getMetadata().getName())
                .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
            if (deleted != null && !deleted.isEmpty())
                events.event(cj, component, EventRecorder.NORMAL, "SuccessfulDelete", "Deleted job " + job.getMetadata().getName());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) return;
            events.event(cj, component, EventRecorder.WARNING, "FailedDelete", "Error deleting job " + job.getMetadata().getName() + ": " + message(e));
            throw e;
        }
    }

    private static String message(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
    }
}
