package dev.beluga.controllers.ttl;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.testing.ControllerTestCluster;
import dev.beluga.controllers.testing.MutableClock;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static dev.beluga.controllers.testing.ControllerTestCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/** Finished Jobs deleted once their TTL runs out on a fake clock; running Jobs and Jobs without a TTL kept. */
class TtlAfterFinishedControllerTest {
    @TempDir
    static Path dir;
    static ControllerTestCluster cluster;
    static KubernetesClient client;
    static final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    @BeforeAll
    static void start() throws Exception {
        cluster = new ControllerTestCluster(dir, () -> List.<Controller>of(new TtlAfterFinishedController()), clock);
        client = cluster.client;
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    private static void job(String name, Integer ttl) {
        client.batch().v1().jobs().inNamespace("default").resource(new JobBuilder().withNewMetadata().withName(name).endMetadata()
            .withNewSpec().withTtlSecondsAfterFinished(ttl).withNewTemplate().withNewSpec().withRestartPolicy("Never").addNewContainer()
            .withName("c").withImage("busybox:1.35").endContainer().endSpec().endTemplate().endSpec().build()).create();
    }

    /** Marks the job finished at {@code at}; a failed job has only the condition's time. */
    private static void finish(String name, boolean succeeded, Instant at) {
        Job j = client.batch().v1().jobs().inNamespace("default").withName(name).get();
        j.setStatus(new JobStatusBuilder().withStartTime(at.minusSeconds(10).toString()).withCompletionTime(succeeded ? at.toString() : null)
            .addNewCondition().withType(succeeded ? "Complete" : "Failed").withStatus("True").withLastTransitionTime(at.toString()).endCondition()
            .build());
        client.batch().v1().jobs().inNamespace("default").resource(j).updateStatus();
    }

    private static boolean gone(String name) {
        Job j = client.batch().v1().jobs().inNamespace("default").withName(name).get();
        return j == null || j.getMetadata().getDeletionTimestamp() != null;
    }

    private static void touch(String name) {
        client.batch().v1().jobs().inNamespace("default").withName(name)
            .edit(j -> new JobBuilder(j).editMetadata().addToAnnotations("touch", clock.instant().toString()).endMetadata().build());
    }

    @Test
    void aFinishedJobWithTtlZeroIsDeleted() throws Exception {
        job("ttl-zero", 0);
        finish("ttl-zero", true, clock.instant());
        eventually("deleted", () -> gone("ttl-zero"));
    }

    @Test
    void aJobIsDeletedOnlyOnceItsTtlHasPassed() throws Exception {
        job("ttl-hour", 3600);
        job("failed-ttl-hour", 3600);
        job("running", 0);
        job("no-ttl", null);
        finish("ttl-hour", true, clock.instant());
        finish("failed-ttl-hour", false, clock.instant().plusSeconds(60));
        finish("no-ttl", true, clock.instant());
        Thread.sleep(1000);
        assertThat(gone("ttl-hour")).isFalse();
        assertThat(gone("failed-ttl-hour")).isFalse();

        clock.advance(Duration.ofSeconds(3600));
        touch("ttl-hour");
        touch("failed-ttl-hour");
        eventually("deleted after an hour", () -> gone("ttl-hour"));
        Thread.sleep(500);
        assertThat(gone("failed-ttl-hour")).as("finished a minute later: not yet").isFalse();

        clock.advance(Duration.ofSeconds(60));
        touch("failed-ttl-hour");
        eventually("the failed job too (finish time from its condition)", () -> gone("failed-ttl-hour"));
        touch("running");
        touch("no-ttl");
        Thread.sleep(500);
        assertThat(gone("running")).as("not finished").isFalse();
        assertThat(gone("no-ttl")).as("no TTL").isFalse();
    }
}
