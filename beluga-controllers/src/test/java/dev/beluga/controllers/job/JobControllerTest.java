package dev.beluga.controllers.job;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.testing.ControllerTestCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.beluga.controllers.testing.ControllerTestCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Job controller against a real API server; the test plays the kubelet (pod phases, exit codes) and removes
 * terminating pods. Backoff is shortened to 100 ms.
 */
class JobControllerTest {
    @TempDir
    static Path dir;
    static ControllerTestCluster cluster;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = new ControllerTestCluster(dir, () -> List.<Controller>of(new JobController(Duration.ofMillis(100))));
        client = cluster.client;
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    private static JobBuilder job(String name) {
        return new JobBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
            .withNewSpec().withNewTemplate().withNewSpec().withRestartPolicy("Never")
            .addNewContainer().withName("main").withImage("busybox:1.35").withCommand("true").withNewResources().endResources().endContainer()
            .endSpec().endTemplate().endSpec();
    }

    private static Job get(String name) {
        return client.batch().v1().jobs().inNamespace("default").withName(name).get();
    }

    /** Live (not terminating) pods of a job by name. */
    private static Map<String, Pod> pods(String job) {
        Map<String, Pod> m = new TreeMap<>();
        for (Pod p : client.pods().inNamespace("default").withLabel("batch.kubernetes.io/job-name", job).list().getItems())
            if (p.getMetadata().getDeletionTimestamp() == null) m.put(p.getMetadata().getName(), p);
        return m;
    }

    private static void finish(Pod p, String phase, int exitCode) {
        p.setStatus(new PodStatusBuilder().withPhase(phase).addNewContainerStatus().withName("main").withImage("busybox:1.35")
            .withReady(false).withRestartCount(0).withNewState().withNewTerminated().withExitCode(exitCode)
            .withFinishedAt(Instant.now().toString()).endTerminated().endState().endContainerStatus().build());
        client.pods().inNamespace("default").resource(p).updateStatus();
    }

    /** Removes terminating pods whose finalizers are gone (what the kubelet and the API server would do). */
    private static void reap(String job) {
        for (Pod p : client.pods().inNamespace("default").withLabel("batch.kubernetes.io/job-name", job).list().getItems())
            if (p.getMetadata().getDeletionTimestamp() != null)
                try {
                    client.pods().inNamespace("default").withName(p.getMetadata().getName()).withGracePeriod(0).delete();
                } catch (RuntimeException e) {
                    // gone meanwhile
                }
    }

    /** A merge patch (no resourceVersion: the controller writes status concurrently). */
    private static void suspend(String job, boolean suspend) {
        client.batch().v1().jobs().inNamespace("default").withName(job)
            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"suspend\":" + suspend + "}}");
    }

    private static JobCondition condition(Job j, String type) {
        if (j.getStatus() == null || j.getStatus().getConditions() == null) return null;
        return j.getStatus().getConditions().stream().filter(c -> c.getType().equals(type) && c.getStatus().equals("True")).findFirst().orElse(null);
    }

    @Test
    void runsCompletionsWithParallelismAndCountsEachPodOnce() throws Exception {
        Job created = client.batch().v1().jobs().inNamespace("default")
            .resource(job("pi").editSpec().withCompletions(3).withParallelism(2).endSpec().build()).create();
        assertThat(created.getSpec().getSelector().getMatchLabels()).containsEntry("batch.kubernetes.io/controller-uid", created.getMetadata().getUid());
        assertThat(created.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("job-name", "pi");
        eventually("two pods", () -> pods("pi").size() == 2);
        Thread.sleep(300);
        assertThat(pods("pi")).hasSize(2);
        assertThat(pods("pi").values()).allSatisfy(p -> assertThat(p.getMetadata().getFinalizers()).contains("batch.kubernetes.io/job-tracking"));

        // one succeeds and is deleted at once: the finalizer keeps it until it is counted
        Pod first = pods("pi").values().iterator().next();
        finish(first, "Succeeded", 0);
        client.pods().inNamespace("default").withName(first.getMetadata().getName()).delete();
        eventually("counted and replaced", () -> get("pi").getStatus().getSucceeded() == 1 && pods("pi").size() == 2);
        for (Pod p : pods("pi").values()) if (!p.getMetadata().getName().equals(first.getMetadata().getName())) finish(p, "Succeeded", 0);
        eventually("complete", () -> condition(get("pi"), "Complete") != null);
        Job done = get("pi");
        assertThat(done.getStatus().getSucceeded()).isEqualTo(3);
        assertThat(done.getStatus().getFailed()).isZero();
        assertThat(done.getStatus().getCompletionTime()).isNotNull();
        assertThat(done.getStatus().getActive()).isNull();
        eventually("finalizers released", () -> client.pods().inNamespace("default").withLabel("job-name", "pi").list().getItems().stream()
            .noneMatch(JobPods::tracked));
        reap("pi");
        Thread.sleep(300);
        assertThat(get("pi").getStatus().getSucceeded()).as("counted once").isEqualTo(3);
    }

    @Test
    void backoffLimitFailsTheJob() throws Exception {
        client.batch().v1().jobs().inNamespace("default").resource(job("flaky").editSpec().withBackoffLimit(1).endSpec().build()).create();
        for (int attempt = 1; attempt <= 2; attempt++) {
            int n = attempt;
            eventually("attempt " + n, () -> pods("flaky").values().stream().anyMatch(p -> p.getStatus() == null || !"Failed".equals(p.getStatus().getPhase())));
            for (Pod p : pods("flaky").values()) if (p.getStatus() == null || !"Failed".equals(p.getStatus().getPhase())) finish(p, "Failed", 1);
            if (n == 1) eventually("first failure counted", () -> get("flaky").getStatus().getFailed() == 1);
        }
        eventually("failed", () -> condition(get("flaky"), "Failed") != null);
        Job j = get("flaky");
        assertThat(condition(j, "Failed").getReason()).isEqualTo("BackoffLimitExceeded");
        assertThat(j.getStatus().getFailed()).isEqualTo(2);
        Thread.sleep(300);
        assertThat(pods("flaky").values()).allSatisfy(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Failed"));
    }

    @Test
    void indexedJobRunsEveryIndexOnce() throws Exception {
        client.batch().v1().jobs().inNamespace("default")
            .resource(job("idx").editSpec().withCompletionMode("Indexed").withCompletions(3).withParallelism(3).endSpec().build()).create();
        eventually("three pods", () -> pods("idx").size() == 3);
        Map<String, Pod> byIndex = new TreeMap<>();
        for (Pod p : pods("idx").values()) byIndex.put(p.getMetadata().getAnnotations().get("batch.kubernetes.io/job-completion-index"), p);
        assertThat(byIndex.keySet()).containsExactly("0", "1", "2");
        Pod one = byIndex.get("1");
        assertThat(one.getMetadata().getName()).startsWith("idx-1-");
        assertThat(one.getSpec().getHostname()).isEqualTo("idx-1");
        assertThat(one.getSpec().getContainers().getFirst().getEnv()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("JOB_COMPLETION_INDEX"));

        finish(one, "Succeeded", 0);
        eventually("index 1 done", () -> "1".equals(get("idx").getStatus().getCompletedIndexes()));
        finish(byIndex.get("0"), "Failed", 1);
        eventually("index 0 retried", () -> pods("idx").values().stream().anyMatch(p -> p.getMetadata().getName().startsWith("idx-0-")
            && (p.getStatus() == null || !"Failed".equals(p.getStatus().getPhase()))));
        for (Pod p : pods("idx").values()) if (p.getStatus() == null || !"Failed".equals(p.getStatus().getPhase())) finish(p, "Succeeded", 0);
        eventually("complete", () -> condition(get("idx"), "Complete") != null);
        assertThat(get("idx").getStatus().getCompletedIndexes()).isEqualTo("0-2");
        assertThat(get("idx").getStatus().getSucceeded()).isEqualTo(3);
        assertThat(get("idx").getStatus().getFailed()).isEqualTo(1);
    }

    @Test
    void podFailurePolicyIgnoresOrFailsByExitCode() throws Exception {
        client.batch().v1().jobs().inNamespace("default").resource(job("policy").editSpec().withBackoffLimit(0).withNewPodFailurePolicy()
            .addNewRule().withAction("Ignore").withNewOnExitCodes().withOperator("In").withValues(3).endOnExitCodes().endRule()
            .addNewRule().withAction("FailJob").withNewOnExitCodes().withContainerName("main").withOperator("In").withValues(42).endOnExitCodes().endRule()
            .endPodFailurePolicy().endSpec().build()).create();
        eventually("pod", () -> pods("policy").size() == 1);
        finish(pods("policy").values().iterator().next(), "Failed", 3);
        eventually("ignored failure replaced", () -> pods("policy").values().stream().anyMatch(p -> p.getStatus() == null
            || !"Failed".equals(p.getStatus().getPhase())));
        assertThat(get("policy").getStatus().getFailed()).as("backoffLimit 0 not reached: the failure was ignored").isZero();
        assertThat(condition(get("policy"), "Failed")).isNull();
        for (Pod p : pods("policy").values()) if (p.getStatus() == null || !"Failed".equals(p.getStatus().getPhase())) finish(p, "Failed", 42);
        eventually("failed by policy", () -> condition(get("policy"), "Failed") != null);
        assertThat(condition(get("policy"), "Failed").getReason()).isEqualTo("PodFailurePolicy");
        assertThat(condition(get("policy"), "Failed").getMessage()).contains("exit code 42").contains("rule at index 1");
    }

    @Test
    void suspendDeletesPodsAndResumeRecreates() throws Exception {
        client.batch().v1().jobs().inNamespace("default").resource(job("sleepy").editSpec().withParallelism(2).withCompletions(2).endSpec().build()).create();
        eventually("two pods", () -> pods("sleepy").size() == 2);
        suspend("sleepy", true);
        eventually("suspended", () -> condition(get("sleepy"), "Suspended") != null && pods("sleepy").isEmpty());
        assertThat(get("sleepy").getStatus().getStartTime()).isNull();
        assertThat(get("sleepy").getStatus().getFailed()).as("deleting for suspension is not a failure").isZero();
        reap("sleepy");
        suspend("sleepy", false);
        eventually("resumed", () -> pods("sleepy").size() == 2 && condition(get("sleepy"), "Suspended") == null
            && get("sleepy").getStatus().getStartTime() != null);
    }

    @Test
    void activeDeadlineFailsTheJob() throws Exception {
        client.batch().v1().jobs().inNamespace("default").resource(job("slow").editSpec().withActiveDeadlineSeconds(1L).endSpec().build()).create();
        eventually("deadline exceeded", () -> condition(get("slow"), "Failed") != null);
        assertThat(condition(get("slow"), "Failed").getReason()).isEqualTo("DeadlineExceeded");
        eventually("its pod deleted", () -> pods("slow").isEmpty());
    }
}
