package dev.beluga.controllers.job;

import dev.beluga.controllers.testing.FakeCluster;
import dev.beluga.controllers.testing.FakeCluster.Write;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.beluga.controllers.testing.FakeCluster.START;
import static dev.beluga.controllers.testing.TestPods.pod;
import static dev.beluga.controllers.testing.TestPods.running;
import static org.assertj.core.api.Assertions.assertThat;

/** Job controller reconciles over fake caches and a fake API: pods, tracking finalizers, counting, failure, indexes. */
class JobReconcileTest {
    private static final String FINALIZER = "batch.kubernetes.io/job-tracking";
    private FakeCluster cluster;
    private JobController controller;

    @BeforeEach
    void setUp() {
        cluster = new FakeCluster();
        controller = cluster.register(new JobController());
    }

    @AfterEach
    void tearDown() {
        cluster.close();
    }

    private static JobBuilder job(int parallelism, int completions) {
        return new JobBuilder().withNewMetadata().withName("pi").withNamespace("default").endMetadata()
            .withNewSpec().withParallelism(parallelism).withCompletions(completions)
            .withNewTemplate().withNewMetadata().addToLabels("job-name", "pi").endMetadata()
            .withNewSpec().withRestartPolicy("Never").addNewContainer().withName("c").withImage("busybox").endContainer().endSpec()
            .endTemplate().endSpec();
    }

    /** A pod of the job with the tracking finalizer in the given phase. */
    private static Pod jobPod(Job j, String name, String phase) {
        Pod p = pod(name, Map.of("job-name", "pi"), j).editMetadata().withFinalizers(FINALIZER).endMetadata().build();
        p.getStatus().setPhase(phase);
        return p;
    }

    private static List<Pod> podCreates(List<Write> writes) {
        return writes.stream().filter(w -> w.is("POST", "/namespaces/default/pods")).map(w -> w.as(Pod.class)).toList();
    }

    private static List<JobStatus> statusWrites(List<Write> writes) {
        return writes.stream().filter(w -> w.is("PUT", "/jobs/pi/status")).map(w -> w.as(Job.class).getStatus()).toList();
    }

    @ParameterizedTest(name = "parallelism={0} completions={1} -> {2} pods")
    @CsvSource({"2, 5, 2", "3, 2, 2", "1, 1, 1"})
    void createsParallelismPodsWithTheTrackingFinalizer(int parallelism, int completions, int pods) throws Exception {
        Job j = cluster.seed(job(parallelism, completions).build());

        controller.reconcile("default/pi");

        List<Write> writes = cluster.writes();
        assertThat(podCreates(writes)).hasSize(pods).allSatisfy(p -> {
            assertThat(p.getMetadata().getFinalizers()).contains(FINALIZER);
            assertThat(p.getMetadata().getGenerateName()).isEqualTo("pi-");
            assertThat(p.getMetadata().getLabels()).containsEntry("job-name", "pi");
            assertThat(p.getMetadata().getOwnerReferences()).singleElement().satisfies(r -> {
                assertThat(r.getKind()).isEqualTo("Job");
                assertThat(r.getUid()).isEqualTo(j.getMetadata().getUid());
                assertThat(r.getController()).isTrue();
            });
        });
        assertThat(statusWrites(writes)).last().satisfies(s -> assertThat(s.getStartTime()).isEqualTo(START.toString()));

        // the pods are not in the cache yet: no second batch
        controller.reconcile("default/pi");
        assertThat(podCreates(cluster.writes())).isEmpty();
    }

    @Test
    void aSucceededPodIsRecordedAsUncountedThenReleasedThenCounted() throws Exception {
        Job j = cluster.seed(job(1, 2).build());
        Pod done = cluster.seed(jobPod(j, "pi-a", "Succeeded"));
        String uid = done.getMetadata().getUid();

        controller.reconcile("default/pi");

        List<Write> writes = cluster.writes().stream().filter(w -> !w.method().equals("POST")).toList();
        assertThat(writes).extracting(Write::toString).containsExactly(
            "PUT /apis/batch/v1/namespaces/default/jobs/pi/status",
            "PATCH /api/v1/namespaces/default/pods/pi-a",
            "PUT /apis/batch/v1/namespaces/default/jobs/pi/status");
        JobStatus first = writes.get(0).as(Job.class).getStatus();
        assertThat(first.getUncountedTerminatedPods().getSucceeded()).containsExactly(uid);
        assertThat(first.getSucceeded()).isIn(null, 0);
        assertThat(writes.get(1).body()).contains("\"remove\"").contains("/metadata/finalizers/0");
        JobStatus last = writes.get(2).as(Job.class).getStatus();
        assertThat(last.getSucceeded()).isEqualTo(1);
        assertThat(last.getUncountedTerminatedPods().getSucceeded()).isEmpty();
        assertThat(cluster.api().pods().inNamespace("default").withName("pi-a").get().getMetadata().getFinalizers()).doesNotContain(FINALIZER);
    }

    @Test
    void theSecondCompletionIsStillToRunAfterOneSucceeded() throws Exception {
        Job j = cluster.seed(job(1, 2).build());
        cluster.seed(jobPod(j, "pi-a", "Succeeded"));
        controller.reconcile("default/pi");
        assertThat(podCreates(cluster.writes())).hasSize(1);
    }

    @Test
    void exceedingTheBackoffLimitFailsTheJob() throws Exception {
        Job spec = job(1, 1).editSpec().withBackoffLimit(1).endSpec().withNewStatus().withFailed(1).endStatus().build();
        Job j = cluster.seed(spec);
        cluster.seed(jobPod(j, "pi-b", "Failed"));

        controller.reconcile("default/pi");

        List<Write> writes = cluster.writes();
        assertThat(podCreates(writes)).isEmpty();
        assertThat(statusWrites(writes)).last().satisfies(s -> {
            assertThat(s.getFailed()).isEqualTo(2);
            assertThat(s.getConditions()).anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("Failed");
                assertThat(c.getStatus()).isEqualTo("True");
                assertThat(c.getReason()).isEqualTo("BackoffLimitExceeded");
            });
        });
    }

    @Test
    void aFailureWithinTheBackoffLimitIsReplacedAfterTheBackoff() throws Exception {
        Job j = cluster.seed(job(1, 1).editSpec().withBackoffLimit(6).endSpec().build());
        cluster.seed(jobPod(j, "pi-b", "Failed"));

        controller.reconcile("default/pi");
        List<Write> writes = cluster.writes();
        assertThat(podCreates(writes)).as("10 s backoff first").isEmpty();
        assertThat(statusWrites(writes)).last().satisfies(s -> {
            assertThat(s.getFailed()).isEqualTo(1);
            assertThat(s.getConditions()).isNullOrEmpty();
        });

        // the watch brings the written job and the released pod back
        cluster.cache(Job.class).update(cluster.api().batch().v1().jobs().inNamespace("default").withName("pi").get());
        cluster.cache(Pod.class).update(cluster.api().pods().inNamespace("default").withName("pi-b").get());
        cluster.clock.advance(Duration.ofSeconds(5));
        controller.reconcile("default/pi");
        assertThat(podCreates(cluster.writes())).isEmpty();

        cluster.clock.advance(Duration.ofSeconds(6));
        controller.reconcile("default/pi");
        assertThat(podCreates(cluster.writes())).hasSize(1);
    }

    @ParameterizedTest(name = "completions=4 parallelism={0} completed=[{1}] running=[{2}] -> creates [{3}]")
    @CsvSource({"4, '', '0 2', '1 3'", "4, '1', '0 2', '3'", "2, '', '', '0 1'", "4, '0-1', '', '2 3'"})
    void indexedJobCreatesTheMissingIndexes(int parallelism, String completed, String runningIndexes, String expected) throws Exception {
        Job spec = job(parallelism, 4).editSpec().withCompletionMode("Indexed").endSpec().build();
        if (!completed.isEmpty()) spec.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder()
            .withCompletedIndexes(completed).withSucceeded(completed.equals("1") ? 1 : 2).build());
        Job j = cluster.seed(spec);
        for (String i : runningIndexes.split(" ")) {
            if (i.isEmpty()) continue;
            Pod p = running(pod("pi-" + i + "-x", Map.of("job-name", "pi", CompletionIndexes.ANNOTATION, i), j)
                .editMetadata().withFinalizers(FINALIZER).addToAnnotations(CompletionIndexes.ANNOTATION, i).endMetadata(), "n1", START);
            cluster.seed(p);
        }

        controller.reconcile("default/pi");

        List<Pod> created = podCreates(cluster.writes());
        assertThat(created).extracting(p -> p.getMetadata().getAnnotations().get(CompletionIndexes.ANNOTATION))
            .containsExactlyInAnyOrder(Arrays.stream(expected.split(" ")).toArray(String[]::new));
        assertThat(created).allSatisfy(p -> {
            String i = p.getMetadata().getAnnotations().get(CompletionIndexes.ANNOTATION);
            assertThat(p.getMetadata().getGenerateName()).isEqualTo("pi-" + i + "-");
            assertThat(p.getMetadata().getLabels()).containsEntry(CompletionIndexes.ANNOTATION, i);
            assertThat(p.getSpec().getHostname()).isEqualTo("pi-" + i);
            assertThat(p.getSpec().getContainers().getFirst().getEnv()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("JOB_COMPLETION_INDEX"));
            assertThat(p.getMetadata().getFinalizers()).contains(FINALIZER);
        });
    }
}
