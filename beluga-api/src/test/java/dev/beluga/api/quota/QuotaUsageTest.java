package dev.beluga.api.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class QuotaUsageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Map<String, String> printed(Map<String, Amount> m) {
        Map<String, String> out = new java.util.TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.toString()));
        return out;
    }

    @Test
    void aPodUsesItsContainersSumOrItsLargestInitContainerPlusOverhead() {
        JsonNode pod = json("""
            {'spec': {
              'initContainers': [
                {'name': 'setup', 'resources': {'requests': {'cpu': '2', 'memory': '64Mi'}}},
                {'name': 'proxy', 'restartPolicy': 'Always', 'resources': {'requests': {'cpu': '100m', 'memory': '32Mi'}}}],
              'containers': [
                {'name': 'a', 'resources': {'requests': {'cpu': '250m', 'memory': '128Mi', 'example.com/gpu': '1'},
                                            'limits': {'cpu': '500m', 'memory': '256Mi'}}},
                {'name': 'b', 'resources': {'requests': {'cpu': '250m', 'memory': '128Mi'}, 'limits': {'memory': '128Mi'}}}],
              'overhead': {'cpu': '10m'}}}
            """);
        Map<String, String> usage = printed(QuotaUsage.of("", "pods", pod, NOW));
        // cpu: max(init 2, containers 500m + sidecar 100m) + overhead 10m; memory: max(64Mi, 256Mi + 32Mi)
        assertThat(usage).containsEntry("pods", "1").containsEntry("count/pods", "1")
            .containsEntry("requests.cpu", "2010m").containsEntry("cpu", "2010m")
            .containsEntry("requests.memory", "288Mi").containsEntry("memory", "288Mi")
            .containsEntry("limits.cpu", "510m").containsEntry("limits.memory", "384Mi")
            .containsEntry("requests.example.com/gpu", "1")
            .doesNotContainKey("limits.example.com/gpu");
    }

    @Test
    void endedPodsAndPodsPastTheirGracePeriodCountOnlyAsObjects() {
        JsonNode spec = json("{'spec': {'containers': [{'name': 'a', 'resources': {'requests': {'cpu': '1'}}}]}}");
        for (String phase : new String[] {"Succeeded", "Failed"}) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) spec).set("status", json("{'phase': '" + phase + "'}"));
            assertThat(printed(QuotaUsage.of("", "pods", spec, NOW))).isEqualTo(Map.of("count/pods", "1"));
        }
        JsonNode deleting = json("{'metadata': {'deletionTimestamp': '2026-12-04T09:59:50Z', 'deletionGracePeriodSeconds': 30}}");
        assertThat(QuotaUsage.of("", "pods", deleting, NOW)).containsKey("pods");
        assertThat(printed(QuotaUsage.of("", "pods", deleting, NOW.plusSeconds(21)))).isEqualTo(Map.of("count/pods", "1"));
        assertThat(printed(QuotaUsage.of("", "pods", json("{'spec': {'containers': [{'name': 'a', 'resources': {'requests': {'hugepages-2Mi': '4Mi'}}}]}}"), NOW)))
            .containsEntry("hugepages-2Mi", "4Mi").containsEntry("requests.hugepages-2Mi", "4Mi");
    }

    @Test
    void servicesClaimsAndOtherObjects() {
        assertThat(printed(QuotaUsage.of("", "services", json("{'spec': {'type': 'NodePort', 'ports': [{'port': 80}, {'port': 53}]}}"), NOW)))
            .isEqualTo(Map.of("services", "1", "count/services", "1", "services.nodeports", "2"));
        assertThat(printed(QuotaUsage.of("", "services", json("{'spec': {'type': 'LoadBalancer', 'allocateLoadBalancerNodePorts': false, 'ports': [{'port': 80}]}}"), NOW)))
            .isEqualTo(Map.of("services", "1", "count/services", "1", "services.loadbalancers", "1", "services.nodeports", "0"));
        assertThat(printed(QuotaUsage.of("", "services", json("{'spec': {'ports': [{'port': 80}]}}"), NOW)))
            .isEqualTo(Map.of("services", "1", "count/services", "1"));
        assertThat(printed(QuotaUsage.of("", "persistentvolumeclaims", json("{'spec': {'storageClassName': 'fast', 'resources': {'requests': {'storage': '5Gi'}}}}"), NOW)))
            .isEqualTo(Map.of("persistentvolumeclaims", "1", "count/persistentvolumeclaims", "1", "requests.storage", "5Gi",
                "fast.storageclass.storage.k8s.io/requests.storage", "5Gi", "fast.storageclass.storage.k8s.io/persistentvolumeclaims", "1"));
        assertThat(printed(QuotaUsage.of("apps", "deployments", json("{}"), NOW))).isEqualTo(Map.of("count/deployments.apps", "1"));
        assertThat(printed(QuotaUsage.of("", "secrets", json("{}"), NOW))).isEqualTo(Map.of("count/secrets", "1", "secrets", "1"));
    }

    @Test
    void scopesSelectPods() {
        JsonNode terminating = json("{'spec': {'scopes': ['Terminating']}}");
        JsonNode bestEffort = json("{'spec': {'scopes': ['BestEffort']}}");
        JsonNode high = json("{'spec': {'scopeSelector': {'matchExpressions': [{'scopeName': 'PriorityClass', 'operator': 'In', 'values': ['high']}]}}}");
        JsonNode job = json("{'spec': {'activeDeadlineSeconds': 60, 'priorityClassName': 'high', 'containers': [{'name': 'a'}]}}");
        JsonNode web = json("{'spec': {'containers': [{'name': 'a', 'resources': {'requests': {'cpu': '1'}}}]}}");
        assertThat(QuotaScopes.matches(terminating, "", "pods", job)).isTrue();
        assertThat(QuotaScopes.matches(terminating, "", "pods", web)).isFalse();
        assertThat(QuotaScopes.matches(bestEffort, "", "pods", job)).isTrue();
        assertThat(QuotaScopes.matches(bestEffort, "", "pods", web)).isFalse();
        assertThat(QuotaScopes.matches(bestEffort, "", "pods", json("{'spec': {'containers': [{'name': 'a', 'resources': {'requests': {'cpu': '0'}}}]}}")))
            .as("a zero request asks for nothing").isTrue();
        assertThat(QuotaScopes.matches(high, "", "pods", job)).isTrue();
        assertThat(QuotaScopes.matches(high, "", "pods", web)).isFalse();
        assertThat(QuotaScopes.matches(terminating, "", "services", json("{}"))).as("scoped quotas are for pods only").isFalse();
        assertThat(QuotaScopes.matches(json("{'spec': {}}"), "", "services", json("{}"))).isTrue();
    }

    @Test
    void theCalculatorSumsWhatTheQuotaLimitsOverTheObjectsItAppliesTo() {
        JsonNode quota = json("""
            {'metadata': {'namespace': 'ns'}, 'spec': {'hard': {'pods': '10', 'requests.memory': '1Gi', 'count/deployments.apps': '5',
             'services.nodeports': '3', 'configmaps': '4'}}}
            """);
        Map<String, List<JsonNode>> objects = Map.of(
            "pods", List.of(
                json("{'spec': {'containers': [{'name': 'a', 'resources': {'requests': {'memory': '100Mi'}}}]}}"),
                json("{'spec': {'containers': [{'name': 'a', 'resources': {'requests': {'memory': '200Mi'}}}]}, 'status': {'phase': 'Succeeded'}}"),
                json("{'spec': {'containers': [{'name': 'a'}]}}")),
            "apps/deployments", List.of(json("{}"), json("{}")));
        QuotaCalculator.ObjectSource source = (group, plural, ns) -> {
            assertThat(ns).isEqualTo("ns");
            return objects.getOrDefault(group.isEmpty() ? plural : group + "/" + plural, List.of());
        };
        assertThat(printed(QuotaCalculator.calculate(quota, source, NOW))).isEqualTo(Map.of(
            "pods", "2", "requests.memory", "100Mi", "count/deployments.apps", "2", "services.nodeports", "0", "configmaps", "0"));
    }

    @Test
    void checksGiveUpstreamsMessages() {
        Map<String, Amount> hard = Map.of("pods", Amount.of(2), "requests.cpu", Amount.parse("1"), "limits.memory", Amount.parse("1Gi"));
        Map<String, Amount> used = Map.of("pods", Amount.of(2), "requests.cpu", Amount.parse("500m"));
        Map<String, Amount> usage = Map.of("pods", Amount.ONE, "count/pods", Amount.ONE, "requests.cpu", Amount.parse("600m"),
            "limits.memory", Amount.parse("128Mi"));
        Map<String, Amount> charge = QuotaCheck.charge(hard, usage, Map.of());
        assertThat(charge).containsOnlyKeys("pods", "requests.cpu", "limits.memory");
        assertThat(QuotaCheck.exceeded("q", hard, used, charge))
            .isEqualTo("exceeded quota: q, requested: pods=1,requests.cpu=600m, used: pods=2,requests.cpu=500m, limited: pods=2,requests.cpu=1");
        assertThat(QuotaCheck.exceeded("q", hard, Map.of(), charge)).isNull();
        assertThat(QuotaCheck.charge(hard, usage, usage)).as("an update that grows nothing charges nothing").isEmpty();

        JsonNode pod = json("""
            {'spec': {'initContainers': [{'name': 'init', 'resources': {'requests': {'cpu': '1'}}}],
                      'containers': [{'name': 'app', 'resources': {}}, {'name': 'side', 'resources': {'limits': {'memory': '1Gi'}, 'requests': {'cpu': '1'}}}]}}
            """);
        assertThat(QuotaCheck.missingSpecification(hard, pod)).isEqualTo("must specify limits.memory for: app,init; requests.cpu for: app");
        assertThat(QuotaCheck.missingSpecification(Map.of("pods", Amount.ONE), pod)).isNull();
        assertThat(QuotaCheck.add(Map.of("pods", Amount.ONE), Map.of("pods", Amount.of(-3))).get("pods").isZero()).isTrue();
    }
}
