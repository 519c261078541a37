package dev.beluga.controllers.statefulset;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.testing.ControllerTestCluster;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static dev.beluga.controllers.testing.ControllerTestCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The StatefulSet controller against a real API server (no scheduler or kubelet: the test plays the kubelet by
 * marking pods Running and Ready): ordered creation, stable identity and claims, ordered scale-down, recreation of
 * failed pods, rolling update with a partition, rollback to an earlier revision, Parallel management.
 */
class StatefulSetControllerTest {
    @TempDir
    static Path dir;
    static ControllerTestCluster cluster;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = new ControllerTestCluster(dir, () -> List.<Controller>of(new StatefulSetController()));
        client = cluster.client;
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    private static StatefulSet set(String name, int replicas, String policy, String image) {
        return new StatefulSetBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
            .withNewSpec().withReplicas(replicas).withServiceName(name).withPodManagementPolicy(policy)
            .withNewSelector().addToMatchLabels("app", name).endSelector()
            .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
            .withNewSpec().addNewContainer().withName("c").withImage(image).withNewResources().endResources()
            .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount().endContainer().endSpec().endTemplate()
            .addNewVolumeClaimTemplate().withNewMetadata().withName("data").endMetadata().withNewSpec().withAccessModes("ReadWriteOnce")
            .withNewResources().withRequests(Map.of("storage", new Quantity("1Gi"))).endResources().endSpec().endVolumeClaimTemplate()
            .endSpec().build();
    }

    /** Live pods of a set by name. */
    private static Map<String, Pod> pods(String app) {
        Map<String, Pod> m = new TreeMap<>();
        for (Pod p : client.pods().inNamespace("default").withLabel("app", app).list().getItems())
            if (p.getMetadata().getDeletionTimestamp() == null) m.put(p.getMetadata().getName(), p);
        return m;
    }

    private static void markReady(Pod p) {
        p.setStatus(new PodStatusBuilder().withPhase("Running").addNewCondition().withType("Ready").withStatus("True")
            .withLastTransitionTime(Instant.now().toString()).endCondition().build());
        client.pods().inNamespace("default").resource(p).updateStatus();
    }

    /** Plays the kubelet: finalizes terminating pods (no kubelet runs here) and marks the others ready. */
    private static void kubelet(String app) {
        for (Pod p : client.pods().inNamespace("default").withLabel("app", app).list().getItems()) {
            try {
                if (p.getMetadata().getDeletionTimestamp() != null)
                    client.pods().inNamespace("default").withName(p.getMetadata().getName()).withGracePeriod(0).delete();
                else if (p.getStatus() == null || !"Running".equals(p.getStatus().getPhase())) markReady(p);
            } catch (RuntimeException e) {
                // changed meanwhile: the next round handles it
            }
        }
    }

    /** A strategic merge patch without resourceVersion (the controller writes status concurrently). */
    private static void patch(String name, String json) {
        client.apps().statefulSets().inNamespace("default").withName(name).patch(PatchContext.of(PatchType.STRATEGIC_MERGE), json);
    }

    private static StatefulSet get(String name) {
        return client.apps().statefulSets().inNamespace("default").withName(name).get();
    }

    @Test
    void orderedReadyCreatesOneAtATimeWithStableIdentityAndClaims() throws Exception {
        client.apps().statefulSets().inNamespace("default").resource(set("web", 3, "OrderedReady", "nginx:1")).create();
        eventually("web-0 created", () -> pods("web").containsKey("web-0"));
        Thread.sleep(500);
        assertThat(pods("web").keySet()).as("web-1 waits for web-0 to be ready").containsExactly("web-0");
        Pod p0 = pods("web").get("web-0");
        assertThat(p0.getSpec().getHostname()).isEqualTo("web-0");
        assertThat(p0.getSpec().getSubdomain()).isEqualTo("web");
        assertThat(p0.getMetadata().getLabels()).containsEntry("statefulset.kubernetes.io/pod-name", "web-0")
            .containsEntry("apps.kubernetes.io/pod-index", "0").containsKey("controller-revision-hash");
        assertThat(p0.getSpec().getVolumes()).anySatisfy(v -> assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("data-web-0"));
        PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace("default").withName("data-web-0").get();
        assertThat(claim).isNotNull();
        assertThat(claim.getMetadata().getLabels()).containsEntry("app", "web");

        markReady(p0);
        eventually("web-1 after web-0 is ready", () -> pods("web").containsKey("web-1"));
        assertThat(pods("web")).doesNotContainKey("web-2");
        eventually("all three ready", () -> {
            kubelet("web");
            StatefulSet s = get("web");
            return s.getStatus().getReadyReplicas() == 3 && s.getStatus().getReplicas() == 3;
        });
        assertThat(pods("web").keySet()).containsExactly("web-0", "web-1", "web-2");
        StatefulSet s = get("web");
        assertThat(s.getStatus().getCurrentRevision()).isEqualTo(s.getStatus().getUpdateRevision());
        assertThat(s.getStatus().getObservedGeneration()).isEqualTo(s.getMetadata().getGeneration());

        // scale down: highest ordinal first; claims are retained by default
        client.apps().statefulSets().inNamespace("default").withName("web").scale(1);
        eventually("scaled to 1", () -> {
            kubelet("web");
            return pods("web").keySet().equals(Set.of("web-0")) && get("web").getStatus().getReplicas() == 1;
        });
        assertThat(client.persistentVolumeClaims().inNamespace("default").withName("data-web-2").get()).isNotNull();

        // a failed pod is recreated under the same name
        Pod failed = pods("web").get("web-0");
        failed.setStatus(new PodStatusBuilder().withPhase("Failed").build());
        client.pods().inNamespace("default").resource(failed).updateStatus();
        String oldUid = failed.getMetadata().getUid();
        eventually("web-0 recreated", () -> {
            kubelet("web");
            Pod p = pods("web").get("web-0");
            return p != null && !p.getMetadata().getUid().equals(oldUid) && "Running".equals(p.getStatus().getPhase());
        });
    }

    @Test
    void rollingUpdateRespectsPartitionAndRollsBack() throws Exception {
        client.apps().statefulSets().inNamespace("default").resource(set("db", 3, "Parallel", "db:1")).create();
        eventually("three ready", () -> {
            kubelet("db");
            StatefulSet s = get("db");
            return s.getStatus() != null && Integer.valueOf(3).equals(s.getStatus().getReadyReplicas());
        });
        String rev1 = get("db").getStatus().getUpdateRevision();

        patch("db", "{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"partition\":1}},"
            + "\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"db:2\"}]}}}}");
        eventually("ordinals 2 and 1 updated, 0 kept", () -> {
            kubelet("db");
            Map<String, Pod> p = pods("db");
            return p.size() == 3 && image(p.get("db-2")).equals("db:2") && image(p.get("db-1")).equals("db:2")
                && "Running".equals(p.get("db-1").getStatus().getPhase()) && get("db").getStatus().getUpdatedReplicas() == 2;
        });
        Thread.sleep(300);
        assertThat(image(pods("db").get("db-0"))).isEqualTo("db:1");
        String rev2 = get("db").getStatus().getUpdateRevision();
        assertThat(rev2).isNotEqualTo(rev1);
        assertThat(get("db").getStatus().getCurrentRevision()).isEqualTo(rev1);

        // partition 0 finishes the rollout; current revision follows
        patch("db", "{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"partition\":0}}}}");
        eventually("rollout complete", () -> {
            kubelet("db");
            StatefulSet s = get("db");
            return rev2.equals(s.getStatus().getCurrentRevision()) && s.getStatus().getUpdatedReplicas() == 3 && s.getStatus().getReadyReplicas() == 3;
        });
        assertThat(pods("db").values()).allSatisfy(p -> assertThat(image(p)).isEqualTo("db:2"));

        // rollback: the old template again reuses revision 1's object with the next revision number
        patch("db", "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"db:1\"}]}}}}");
        eventually("rolled back", () -> {
            kubelet("db");
            StatefulSet s = get("db");
            return rev1.equals(s.getStatus().getUpdateRevision()) && rev1.equals(s.getStatus().getCurrentRevision())
                && s.getStatus().getReadyReplicas() == 3;
        });
        List<ControllerRevision> revisions = client.apps().controllerRevisions().inNamespace("default").withLabel("app", "db").list().getItems();
        assertThat(revisions).hasSize(2);
        Map<String, Long> numbers = revisions.stream().collect(Collectors.toMap(r -> r.getMetadata().getName(), ControllerRevision::getRevision));
        assertThat(numbers).containsEntry(rev1, 3L).containsEntry(rev2, 2L);
    }

    @Test
    void claimsAreDeletedWithTheirPodWhenTheRetentionPolicySaysSo() throws Exception {
        StatefulSet s = set("cache", 2, "Parallel", "cache:1");
        s.getSpec().setPersistentVolumeClaimRetentionPolicy(new io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicyBuilder()
            .withWhenDeleted("Delete").withWhenScaled("Delete").build());
        client.apps().statefulSets().inNamespace("default").resource(s).create();
        eventually("two ready", () -> {
            kubelet("cache");
            StatefulSet x = get("cache");
            return x.getStatus() != null && Integer.valueOf(2).equals(x.getStatus().getReadyReplicas());
        });
        PersistentVolumeClaim c0 = client.persistentVolumeClaims().inNamespace("default").withName("data-cache-0").get();
        assertThat(c0.getMetadata().getOwnerReferences()).anySatisfy(r -> assertThat(r.getKind()).isEqualTo("StatefulSet"));
        client.apps().statefulSets().inNamespace("default").withName("cache").scale(1);
        eventually("claim of the condemned pod owned by it", () -> {
            kubelet("cache");
            PersistentVolumeClaim c1 = client.persistentVolumeClaims().inNamespace("default").withName("data-cache-1").get();
            return c1.getMetadata().getOwnerReferences().stream().anyMatch(r -> r.getKind().equals("Pod"));
        });
    }

    private static String image(Pod p) {
        return p.getSpec().getContainers().getFirst().getImage();
    }

    @Test
    void anOrphanPodNamedAsAMemberIsAdoptedInsteadOfRecreated() throws Exception {
        client.pods().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName("adopt-0")
            .addToLabels("app", "adopt").endMetadata().withNewSpec().addNewContainer().withName("c").withImage("adopt:1").endContainer()
            .endSpec().build()).create();
        String uid = client.pods().inNamespace("default").withName("adopt-0").get().getMetadata().getUid();
        client.apps().statefulSets().inNamespace("default").resource(set("adopt", 1, "OrderedReady", "adopt:1")).create();
        eventually("adopted", () -> {
            Pod p = client.pods().inNamespace("default").withName("adopt-0").get();
            return p.getMetadata().getOwnerReferences() != null && p.getMetadata().getOwnerReferences().stream()
                .anyMatch(r -> r.getKind().equals("StatefulSet") && Boolean.TRUE.equals(r.getController()));
        });
        assertThat(client.pods().inNamespace("default").withName("adopt-0").get().getMetadata().getUid()).as("the same pod").isEqualTo(uid);
    }
}
