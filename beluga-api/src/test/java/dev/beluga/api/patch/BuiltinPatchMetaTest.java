package dev.beluga.api.patch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BuiltinPatchMetaTest {
    /** Field strategies transcribed from the patchStrategy/patchMergeKey tags of k8s.io/api; '-' = no merge key. */
    @ParameterizedTest(name = "{0}/{1} {2}")
    @CsvSource(delimiter = '|', value = {
        "''|Pod|spec.containers|MERGE|name",
        "''|Pod|spec.initContainers|MERGE|name",
        "''|Pod|spec.ephemeralContainers|MERGE|name",
        "''|Pod|spec.containers.ports|MERGE|containerPort",
        "''|Pod|spec.ephemeralContainers.env|MERGE|name",
        "''|Pod|spec.initContainers.volumeMounts|MERGE|mountPath",
        "''|Pod|spec.containers.volumeDevices|MERGE|devicePath",
        "''|Pod|spec.volumes|MERGE|name",
        "''|Pod|spec.imagePullSecrets|MERGE|name",
        "''|Pod|spec.hostAliases|MERGE|ip",
        "''|Pod|spec.topologySpreadConstraints|MERGE|topologyKey",
        "''|Pod|spec.resourceClaims|MERGE|name",
        "''|Pod|spec.schedulingGates|MERGE|name",
        "''|Pod|spec.tolerations|DEFAULT|-",
        "''|Pod|spec.containers.args|DEFAULT|-",
        "''|Pod|status.conditions|MERGE|type",
        "''|Pod|status.podIPs|MERGE|ip",
        "''|Pod|status.containerStatuses.volumeMounts|MERGE|mountPath",
        "''|Pod|metadata.finalizers|MERGE|-",
        "''|Pod|metadata.ownerReferences|MERGE|uid",
        "''|PodTemplate|template.spec.containers|MERGE|name",
        "''|ReplicationController|spec.template.spec.containers.env|MERGE|name",
        "apps|Deployment|spec.template.spec.containers|MERGE|name",
        "apps|Deployment|spec.template.metadata.finalizers|MERGE|-",
        "apps|Deployment|status.conditions|MERGE|type",
        "apps|ReplicaSet|spec.template.spec.volumes|MERGE|name",
        "apps|StatefulSet|spec.template.spec.containers.ports|MERGE|containerPort",
        "apps|StatefulSet|spec.volumeClaimTemplates.status.conditions|MERGE|type",
        "apps|DaemonSet|spec.template.spec.hostAliases|MERGE|ip",
        "batch|Job|spec.template.spec.containers|MERGE|name",
        "batch|Job|status.conditions|MERGE|type",
        "batch|CronJob|spec.jobTemplate.spec.template.spec.containers|MERGE|name",
        "batch|CronJob|spec.jobTemplate.metadata.finalizers|MERGE|-",
        "''|Service|spec.ports|MERGE|port",
        "''|Service|status.conditions|MERGE|type",
        "''|Node|status.addresses|MERGE|type",
        "''|Node|status.conditions|MERGE|type",
        "''|Node|spec.podCIDRs|MERGE|-",
        "''|Node|spec.taints|DEFAULT|-",
        "''|Namespace|status.conditions|MERGE|type",
        "''|PersistentVolumeClaim|status.conditions|MERGE|type",
        "''|ServiceAccount|secrets|MERGE|name",
        "''|ConfigMap|metadata.finalizers|MERGE|-",
        "policy|PodDisruptionBudget|spec.selector|REPLACE|-",
        "autoscaling|HorizontalPodAutoscaler|status.conditions|MERGE|type",
        "admissionregistration.k8s.io|MutatingWebhookConfiguration|webhooks|MERGE|name",
        "storage.k8s.io|CSINode|spec.drivers|MERGE|name",
        "resource.k8s.io|ResourceClaim|status.reservedFor|MERGE|uid",
        "example.com|Pod|spec.containers|DEFAULT|-",
        "example.com|Widget|metadata.finalizers|MERGE|-"})
    void declaresUpstreamsStrategies(String group, String kind, String path, PatchStrategy strategy, String mergeKey) {
        PatchMeta.ListStrategy s = BuiltinPatchMeta.forKind(group, kind).strategy(Arrays.asList(path.split("\\.")));
        assertThat(s.strategy()).isEqualTo(strategy);
        assertThat(s.mergeKey()).isEqualTo(mergeKey.equals("-") ? null : mergeKey);
    }

    @Test
    void retainKeysIsDeclaredWhereUpstreamDeclaresIt() {
        assertThat(BuiltinPatchMeta.forKind("apps", "Deployment").strategy(List.of("spec", "strategy")).retainKeys()).isTrue();
        assertThat(BuiltinPatchMeta.forKind("", "Pod").strategy(List.of("spec", "volumes")).retainKeys()).isTrue();
        assertThat(BuiltinPatchMeta.forKind("", "Pod").strategy(List.of("spec", "containers")).retainKeys()).isFalse();
    }

    @Test
    void tellsBuiltinGroupsFromCustomOnes() {
        assertThat(BuiltinPatchMeta.isBuiltinGroup("")).isTrue();
        assertThat(BuiltinPatchMeta.isBuiltinGroup("apps")).isTrue();
        assertThat(BuiltinPatchMeta.isBuiltinGroup("networking.k8s.io")).isTrue();
        assertThat(BuiltinPatchMeta.isBuiltinGroup("example.com")).isFalse();
    }

    @Test
    void pathPatchMetaIncludesFragmentsUnderAPrefix() {
        PathPatchMeta fragment = PathPatchMeta.builder().merge("items", "id").build();
        PathPatchMeta meta = PathPatchMeta.builder().include("a.b", fragment).mergeSet("tags").build();
        assertThat(meta.strategy(List.of("a", "b", "items"))).isEqualTo(PatchMeta.ListStrategy.merge("id"));
        assertThat(meta.strategy(List.of("items"))).isEqualTo(PatchMeta.ListStrategy.DEFAULT);
        assertThat(meta.declared()).containsOnlyKeys("a.b.items", "tags");
        assertThat(PatchMeta.NONE.strategy(List.of("spec", "containers")).merge()).isFalse();
    }
}
