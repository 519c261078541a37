package dev.beluga.apiserver.kubectl;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What kubectl users see of ResourceQuotas and LimitRanges: creating them, their usage, and the refusals. */
class KubectlQuotaTest extends KubectlServerTest {
    @Test
    void quotasAndLimitRangesAsKubectlShowsThem() throws Exception {
        assumeTrue(Files.isExecutable(KUBECTL), "kubectl is not installed");
        Kubectl k = new Kubectl(KUBECTL, server.kubeconfig, Files.createDirectories(dir.resolve("cache")));
        k.ok("create", "namespace", "team");
        k.ok("create", "quota", "compute", "-n", "team", "--hard=pods=2,requests.cpu=1,limits.memory=1Gi");
        k.apply("""
            apiVersion: v1
            kind: LimitRange
            metadata: {name: defaults, namespace: team}
            spec:
              limits:
              - type: Container
                default: {cpu: 300m, memory: 256Mi}
            """);
        k.ok("run", "one", "-n", "team", "--image=busybox:1.35", "--", "sleep", "3600");
        assertThat(k.ok("get", "pod", "one", "-n", "team", "-o", "jsonpath={.spec.containers[0].resources}").out())
            .contains("\"limits\":{\"cpu\":\"300m\",\"memory\":\"256Mi\"}", "\"requests\":{\"cpu\":\"300m\",\"memory\":\"256Mi\"}");

        assertThat(k.ok("get", "quota", "-n", "team").out()).contains("REQUEST", "LIMIT", "compute",
            "pods: 1/2, requests.cpu: 300m/1", "limits.memory: 256Mi/1Gi");
        assertThat(k.ok("describe", "quota", "compute", "-n", "team").out())
            .containsPattern("limits\\.memory\\s+256Mi\\s+1Gi").containsPattern("pods\\s+1\\s+2").containsPattern("requests\\.cpu\\s+300m\\s+1");
        assertThat(k.ok("get", "limitrange", "-n", "team").out()).containsPattern("NAME\\s+CREATED AT\\s+defaults\\s+20\\d\\d-\\d\\d-\\d\\dT");
        assertThat(k.ok("describe", "limitrange", "defaults", "-n", "team").out()).containsPattern("Container\\s+cpu\\s+-\\s+-\\s+300m\\s+300m");

        // the range's default limit (300m) is below the request: refused by validation before quota, as upstream
        Kubectl.Result invalid = k.run(null, "run", "big", "-n", "team", "--image=busybox:1.35",
            "--overrides={\"spec\":{\"containers\":[{\"name\":\"big\",\"image\":\"busybox:1.35\",\"resources\":{\"requests\":{\"cpu\":\"800m\"}}}]}}");
        assertThat(invalid.exit()).isNotZero();
        assertThat(invalid.err()).contains("Invalid value: \"800m\": must be less than or equal to cpu limit of 300m");
        Kubectl.Result over = k.run(null, "run", "big", "-n", "team", "--image=busybox:1.35",
            "--overrides={\"spec\":{\"containers\":[{\"name\":\"big\",\"image\":\"busybox:1.35\",\"resources\":{\"limits\":{\"cpu\":\"800m\"}}}]}}");
        assertThat(over.exit()).isNotZero();
        assertThat(over.err()).contains("Error from server (Forbidden): pods \"big\" is forbidden: exceeded quota: compute, "
            + "requested: requests.cpu=800m, used: requests.cpu=300m, limited: requests.cpu=1");
    }
}
