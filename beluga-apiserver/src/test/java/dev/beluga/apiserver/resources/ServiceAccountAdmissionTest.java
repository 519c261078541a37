package dev.beluga.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ServiceAccount admission plugin's cases, over a table of ServiceAccounts. */
class ServiceAccountAdmissionTest {
    private static final String PATH = ServiceAccountAdmission.MOUNT_PATH;

    private static ObjectNode pod(String yaml) throws Exception {
        ObjectNode p = (ObjectNode) Json.YAML.readTree(yaml);
        Json.with(p, "metadata").put("namespace", "ns");
        return p;
    }

    private static ObjectNode sa(String json) throws Exception {
        return (ObjectNode) Json.MAPPER.readTree(json);
    }

    private static ServiceAccountAdmission.Lookup accounts(Map<String, ObjectNode> byName) {
        return (ns, name) -> ns.equals("ns") ? byName.get(name) : null;
    }

    private static final String TWO_CONTAINERS = """
        metadata: {name: p}
        spec:
          initContainers: [{name: init, image: busybox}]
          containers: [{name: a, image: busybox}, {name: b, image: busybox, volumeMounts: [{name: own, mountPath: /var/run/secrets/kubernetes.io/serviceaccount}]}]
          volumes: [{name: own, emptyDir: {}}]
        """;

    @Test
    void defaultsTheServiceAccountAndInjectsTheProjectedVolumeWhereNoMountIsThere() throws Exception {
        ObjectNode p = pod(TWO_CONTAINERS);
        ServiceAccountAdmission.admit(p, accounts(Map.of("default", sa("{\"metadata\":{\"name\":\"default\"}}"))));
        JsonNode spec = p.path("spec");
        assertThat(spec.path("serviceAccountName").asText()).isEqualTo("default");
        assertThat(spec.path("serviceAccount").asText()).isEqualTo("default");
        JsonNode vol = spec.path("volumes").get(1);
        assertThat(vol.path("name").asText()).matches("kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}");
        assertThat(vol.path("projected").toString()).isEqualTo("{\"sources\":["
            + "{\"serviceAccountToken\":{\"expirationSeconds\":3607,\"path\":\"token\"}},"
            + "{\"configMap\":{\"name\":\"kube-root-ca.crt\",\"items\":[{\"key\":\"ca.crt\",\"path\":\"ca.crt\"}]}},"
            + "{\"downwardAPI\":{\"items\":[{\"path\":\"namespace\",\"fieldRef\":{\"apiVersion\":\"v1\",\"fieldPath\":\"metadata.namespace\"}}]}}],"
            + "\"defaultMode\":420}");
        String mount = "{\"name\":\"" + vol.path("name").asText() + "\",\"readOnly\":true,\"mountPath\":\"" + PATH + "\"}";
        assertThat(spec.path("initContainers").get(0).path("volumeMounts").toString()).isEqualTo("[" + mount + "]");
        assertThat(spec.path("containers").get(0).path("volumeMounts").toString()).isEqualTo("[" + mount + "]");
        assertThat(spec.path("containers").get(1).path("volumeMounts")).hasSize(1); // its own mount at the path is kept
    }

    @Test
    void automountFalseOnThePodOrTheAccountMeansNoToken_thePodWins() throws Exception {
        ObjectNode p = pod("{metadata: {name: p}, spec: {serviceAccountName: robot, containers: [{name: a}]}}");
        ServiceAccountAdmission.admit(p, accounts(Map.of("robot", sa("{\"automountServiceAccountToken\":false}"))));
        assertThat(p.path("spec").has("volumes")).isFalse();
        assertThat(p.path("spec").path("containers").get(0).has("volumeMounts")).isFalse();

        ObjectNode optIn = pod("{metadata: {name: p}, spec: {serviceAccountName: robot, automountServiceAccountToken: true, containers: [{name: a}]}}");
        ServiceAccountAdmission.admit(optIn, accounts(Map.of("robot", sa("{\"automountServiceAccountToken\":false}"))));
        assertThat(optIn.path("spec").path("volumes")).hasSize(1);

        ObjectNode optOut = pod("{metadata: {name: p}, spec: {automountServiceAccountToken: false, containers: [{name: a}]}}");
        ServiceAccountAdmission.admit(optOut, accounts(Map.of("default", sa("{}"))));
        assertThat(optOut.path("spec").has("volumes")).isFalse();
    }

    @Test
    void anExistingKubeApiAccessVolumeIsReusedAndImagePullSecretsComeFromTheAccount() throws Exception {
        ObjectNode p = pod("{metadata: {name: p}, spec: {containers: [{name: a}], volumes: [{name: kube-api-access-abcde, emptyDir: {}}]}}");
        ServiceAccountAdmission.admit(p, accounts(Map.of("default", sa("{\"imagePullSecrets\":[{\"name\":\"regcred\"}]}"))));
        assertThat(p.path("spec").path("volumes")).hasSize(1);
        assertThat(p.path("spec").path("containers").get(0).path("volumeMounts").get(0).path("name").asText()).isEqualTo("kube-api-access-abcde");
        assertThat(p.path("spec").path("imagePullSecrets").toString()).isEqualTo("[{\"name\":\"regcred\"}]");
    }

    @Test
    void aMissingNamedAccountIs403ButAMissingDefaultAccountAdmitsThePodWithoutToken() throws Exception {
        ObjectNode named = pod("{metadata: {name: p}, spec: {serviceAccountName: robot, containers: [{name: a}]}}");
        assertThatThrownBy(() -> ServiceAccountAdmission.admit(named, accounts(Map.of())))
            .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(403))
            .hasMessage("pods \"p\" is forbidden: error looking up service account ns/robot: serviceaccount \"robot\" not found");

        ObjectNode unnamed = pod("{metadata: {name: p}, spec: {containers: [{name: a}]}}");
        ServiceAccountAdmission.admit(unnamed, accounts(Map.of()));
        assertThat(unnamed.path("spec").path("serviceAccountName").asText()).isEqualTo("default");
        assertThat(unnamed.path("spec").has("volumes")).isFalse();
    }

    @Test
    void mirrorPodsGetNoTokenAndMayNotNameAnAccount() throws Exception {
        String mirror = "{metadata: {name: p, annotations: {kubernetes.io/config.mirror: abc}}, spec: {containers: [{name: a}]}}";
        ObjectNode p = pod(mirror);
        ServiceAccountAdmission.admit(p, accounts(Map.of("default", sa("{}"))));
        assertThat(p.path("spec").has("serviceAccountName")).isFalse();
        assertThat(p.path("spec").has("volumes")).isFalse();

        ObjectNode named = pod("{metadata: {name: p, annotations: {kubernetes.io/config.mirror: abc}}, spec: {serviceAccountName: default, containers: [{name: a}]}}");
        assertThatThrownBy(() -> ServiceAccountAdmission.admit(named, accounts(Map.of("default", sa("{}")))))
            .hasMessage("a mirror pod may not reference service accounts");
    }
}
