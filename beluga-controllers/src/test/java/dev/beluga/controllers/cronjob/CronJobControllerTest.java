package dev.beluga.controllers.cronjob;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.Owners;
import dev.beluga.controllers.testing.ControllerTestCluster;
import dev.beluga.controllers.testing.MutableClock;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static dev.beluga.controllers.testing.ControllerTestCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The CronJob controller against a real API server with a fake clock. Each test creates its own hourly CronJob, sets
 * the clock to the CronJob's creation time (so nothing is due), then moves it past schedule times and touches the
 * CronJob (the controller's own requeue runs on real time). There is no Job controller: tests finish Jobs by hand.
 */
class CronJobControllerTest {
    @TempDir
    static Path dir;
    static ControllerTestCluster cluster;
    static KubernetesClient client;
    static final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    static final AtomicInteger touches = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        cluster = new ControllerTestCluster(dir, () -> List.<Controller>of(new CronJobController()), clock);
        client = cluster.client;
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    /** Creates an hourly CronJob, sets the clock to its creation time and returns the first schedule time after it. */
    private static Instant cronJob(String name, UnaryOperator<CronJobBuilder> customize) {
        CronJobBuilder b = new CronJobBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().withSchedule("0 * * * *")
            .withNewJobTemplate().withNewMetadata().addToLabels("app", name).addToAnnotations("note", "from-template").endMetadata()
            .withNewSpec().withNewTemplate().withNewSpec().withRestartPolicy("Never").addNewContainer().withName("c").withImage("busybox:1.35")
            .endContainer().endSpec().endTemplate().endSpec().endJobTemplate().endSpec();
        setClock(Instant.now().minusSeconds(1)); // not after the creation time: nothing is due when the controller first looks
        CronJob created = client.batch().v1().cronjobs().inNamespace("default").resource(customize.apply(b).build()).create();
        Instant c = Instant.parse(created.getMetadata().getCreationTimestamp());
        setClock(c);
        return c.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    }

    private static void setClock(Instant t) {
        clock.advance(Duration.between(clock.instant(), t));
    }

    /** Sets the clock and makes the controller look (its requeue timers run on real time). */
    private static void at(String name, Instant t) {
        setClock(t);
        client.batch().v1().cronjobs().inNamespace("default").withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"touch\":\"" + touches.incrementAndGet() + "\"}}}");
    }

    private static CronJob cj(String name) {
        return client.batch().v1().cronjobs().inNamespace("default").withName(name).get();
    }

    private static CronJobStatus status(String name) {
        CronJobStatus s = cj(name).getStatus();
        return s == null ? new CronJobStatus() : s;
    }

    private static List<String> active(String name) {
        CronJobStatus s = status(name);
        return s.getActive() == null ? List.of() : s.getActive().stream().map(r -> r.getName()).toList();
    }

    private static List<Job> jobs(String cronJob) {
        return client.batch().v1().jobs().inNamespace("default").list().getItems().stream()
            .filter(j -> j.getMetadata().getDeletionTimestamp() == null)
            .filter(j -> Owners.controllerOf(j) != null && cronJob.equals(Owners.controllerOf(j).getName())).toList();
    }

    private static Set<String> jobNames(String cronJob) {
        return jobs(cronJob).stream().map(j -> j.getMetadata().getName()).collect(Collectors.toSet());
    }

    private static String jobName(String cronJob, Instant scheduled) {
        return cronJob + "-" + scheduled.getEpochSecond() / 60;
    }

    private static void finish(String job, boolean succeeded, Instant started, Instant finished) {
        Job j = client.batch().v1().jobs().inNamespace("default").withName(job).get();
        j.setStatus(new JobStatusBuilder().withStartTime(started.toString()).withCompletionTime(succeeded ? finished.toString() : null)
            .withSucceeded(succeeded ? 1 : 0).withFailed(succeeded ? 0 : 1)
            .addNewCondition().withType(succeeded ? "Complete" : "Failed").withStatus("True").withLastTransitionTime(finished.toString()).endCondition()
            .build());
        client.batch().v1().jobs().inNamespace("default").resource(j).updateStatus();
    }

    private static List<String> reasons(String name) {
        return client.v1().events().inNamespace("default").list().getItems().stream()
            .filter(e -> name.equals(e.getInvolvedObject().getName())).map(Event::getReason).toList();
    }

    private static void quietly(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }

    @Test
    void startsAJobForTheMostRecentScheduleTimeAndTracksItInStatus() throws Exception {
        Instant h = cronJob("hourly", b -> b);
        at("hourly", h.minusSeconds(1));
        quietly(1000);
        assertThat(jobs("hourly")).isEmpty();

        at("hourly", h.plusSeconds(30));
        eventually("a job for " + h, () -> jobNames("hourly").equals(Set.of(jobName("hourly", h))));
        Job job = jobs("hourly").getFirst();
        assertThat(job.getMetadata().getAnnotations()).containsEntry(CronJobJobs.SCHEDULED_TIMESTAMP, h.toString())
            .containsEntry("note", "from-template");
        assertThat(job.getMetadata().getLabels()).containsEntry("app", "hourly");
        assertThat(Owners.controllerOf(job).getKind()).isEqualTo("CronJob");
        assertThat(Owners.controllerOf(job).getUid()).isEqualTo(cj("hourly").getMetadata().getUid());
        eventually("status active and lastScheduleTime", () -> status("hourly").getActive().size() == 1
            && status("hourly").getActive().getFirst().getName().equals(job.getMetadata().getName())
            && h.toString().equals(status("hourly").getLastScheduleTime()));
        eventually("SuccessfulCreate event", () -> reasons("hourly").contains("SuccessfulCreate"));

        finish(job.getMetadata().getName(), true, h, h.plusSeconds(60));
        eventually("no active job, lastSuccessfulTime", () -> active("hourly").isEmpty()
            && h.plusSeconds(60).toString().equals(status("hourly").getLastSuccessfulTime()));
        eventually("SawCompletedJob event", () -> reasons("hourly").contains("SawCompletedJob"));

        // five hours pass unseen: only the latest missed time is started
        Instant later = h.plus(Duration.ofHours(5));
        at("hourly", later.plusSeconds(10));
        eventually("a job for the latest time only", () -> jobNames("hourly").equals(Set.of(jobName("hourly", h), jobName("hourly", later))));
        eventually("lastScheduleTime advanced", () -> later.toString().equals(status("hourly").getLastScheduleTime()));
        quietly(500);
        assertThat(jobs("hourly")).hasSize(2);
    }

    @Test
    void forbidSkipsWhileAJobIsActive() throws Exception {
        Instant h = cronJob("forbid", b -> b.editSpec().withConcurrencyPolicy("Forbid").endSpec());
        at("forbid", h.plusSeconds(5));
        eventually("the first job", () -> jobNames("forbid").equals(Set.of(jobName("forbid", h))));
        eventually("it is active", () -> !active("forbid").isEmpty());
        at("forbid", h.plus(Duration.ofHours(1)).plusSeconds(5));
        quietly(1000);
        assertThat(jobNames("forbid")).containsExactly(jobName("forbid", h));
        assertThat(status("forbid").getLastScheduleTime()).isEqualTo(h.toString());

        // once the running job finishes, the skipped time (still the most recent) starts, as upstream
        finish(jobName("forbid", h), true, h, h.plus(Duration.ofMinutes(61)));
        eventually("the skipped time started", () -> jobNames("forbid").contains(jobName("forbid", h.plus(Duration.ofHours(1)))));
    }

    @Test
    void replaceDeletesTheActiveJobAndStartsTheNext() throws Exception {
        Instant h = cronJob("replace", b -> b.editSpec().withConcurrencyPolicy("Replace").endSpec());
        at("replace", h.plusSeconds(5));
        eventually("the first job", () -> jobNames("replace").equals(Set.of(jobName("replace", h))));
        Instant h2 = h.plus(Duration.ofHours(1));
        at("replace", h2.plusSeconds(5));
        eventually("replaced", () -> jobNames("replace").equals(Set.of(jobName("replace", h2))));
        eventually("SuccessfulDelete event", () -> reasons("replace").contains("SuccessfulDelete"));
        eventually("active is the new job", () -> status("replace").getActive().size() == 1
            && status("replace").getActive().getFirst().getName().equals(jobName("replace", h2)));
    }

    @Test
    void allowRunsJobsConcurrently() throws Exception {
        Instant h = cronJob("allow", b -> b);
        at("allow", h.plusSeconds(5));
        eventually("the first job", () -> jobNames("allow").size() == 1);
        at("allow", h.plus(Duration.ofHours(1)).plusSeconds(5));
        eventually("two jobs", () -> jobNames("allow").size() == 2);
        eventually("both active", () -> active("allow").size() == 2);
    }

    @Test
    void aSuspendedCronJobStartsNothing() throws Exception {
        Instant h = cronJob("suspended", b -> b.editSpec().withSuspend(true).endSpec());
        at("suspended", h.plusSeconds(5));
        quietly(1000);
        assertThat(jobs("suspended")).isEmpty();
        assertThat(status("suspended").getLastScheduleTime()).isNull();
        client.batch().v1().cronjobs().inNamespace("default").withName("suspended")
            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"suspend\":false}}");
        // the time missed while suspended starts on resume (no startingDeadlineSeconds), as upstream
        eventually("started on resume", () -> jobNames("suspended").equals(Set.of(jobName("suspended", h))));
    }

    @Test
    void startingDeadlineSkipsATimeTooLongAgo() throws Exception {
        Instant h = cronJob("deadline", b -> b.editSpec().withStartingDeadlineSeconds(60L).endSpec());
        at("deadline", h.plusSeconds(120));
        eventually("MissSchedule event", () -> reasons("deadline").contains("MissSchedule"));
        assertThat(jobs("deadline")).isEmpty();
        Instant h2 = h.plus(Duration.ofHours(1));
        at("deadline", h2.plusSeconds(30));
        eventually("a job within the deadline", () -> jobNames("deadline").equals(Set.of(jobName("deadline", h2))));
    }

    @Test
    void theScheduleIsReadInTheCronJobsTimeZone() throws Exception {
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        cronJob("tokyo", b -> b.editSpec().withSchedule("0 9 * * *").withTimeZone("Asia/Tokyo").endSpec());
        var nine = clock.instant().atZone(tokyo).truncatedTo(ChronoUnit.DAYS).withHour(9);
        if (!nine.toInstant().isAfter(clock.instant())) nine = nine.plusDays(1);
        Instant t = nine.toInstant();
        at("tokyo", t.plusSeconds(5));
        eventually("a job at 09:00 Tokyo", () -> jobNames("tokyo").equals(Set.of(jobName("tokyo", t))));
        assertThat(jobs("tokyo").getFirst().getMetadata().getAnnotations().get(CronJobJobs.SCHEDULED_TIMESTAMP)).endsWith("T09:00:00+09:00");
    }

    @Test
    void tooManyMissedTimesWarnsAndStartsOnlyTheLatest() throws Exception {
        Instant h = cronJob("every-minute", b -> b.editSpec().withSchedule("* * * * *").endSpec());
        at("every-minute", h.plus(Duration.ofHours(3)).plusSeconds(5));
        eventually("one job, for the latest minute", () -> jobNames("every-minute").equals(Set.of(jobName("every-minute", h.plus(Duration.ofHours(3))))));
        eventually("TooManyMissedTimes event", () -> reasons("every-minute").contains("TooManyMissedTimes"));
    }

    @Test
    void anUnknownTimeZoneOrBadScheduleIsRejectedByTheApiServer() {
        assertThatThrownBy(() -> cronJob("nowhere", b -> b.editSpec().withTimeZone("Mars/Olympus_Mons").endSpec()))
            .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                assertThat(e.getCode()).isEqualTo(422);
                assertThat(e.getMessage()).contains("spec.timeZone").contains("unknown time zone Mars/Olympus_Mons");
            });
        assertThatThrownBy(() -> cronJob("garbled", b -> b.editSpec().withSchedule("61 * * * *").endSpec()))
            .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                assertThat(e.getCode()).isEqualTo(422);
                assertThat(e.getMessage()).contains("spec.schedule").contains("unparseable schedule");
            });
    }

    @Test
    void historyLimitsDeleteTheOldestFinishedJobs() throws Exception {
        Instant h = cronJob("history", b -> b.editSpec().withSuccessfulJobsHistoryLimit(2).withFailedJobsHistoryLimit(1).endSpec());
        for (int i = 0; i < 6; i++) {
            Instant t = h.plus(Duration.ofHours(i));
            at("history", t.plusSeconds(5));
            eventually("job " + i, () -> jobNames("history").contains(jobName("history", t)));
        }
        // 0-3 succeed, 4-5 fail
        for (int i = 0; i < 6; i++) {
            Instant t = h.plus(Duration.ofHours(i));
            finish(jobName("history", t), i < 4, t, t.plusSeconds(30));
        }
        eventually("two succeeded and one failed kept", () -> jobNames("history").equals(Set.of(jobName("history", h.plus(Duration.ofHours(2))),
            jobName("history", h.plus(Duration.ofHours(3))), jobName("history", h.plus(Duration.ofHours(5))))));
        eventually("lastSuccessfulTime is the latest completion", () ->
            h.plus(Duration.ofHours(3)).plusSeconds(30).toString().equals(status("history").getLastSuccessfulTime()));
        eventually("nothing active", () -> active("history").isEmpty());
    }
}
