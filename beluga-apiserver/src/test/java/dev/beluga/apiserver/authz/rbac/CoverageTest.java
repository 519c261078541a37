package dev.beluga.apiserver.authz.rbac;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class CoverageTest {
    private static PolicyRule r(List<String> verbs, List<String> groups, List<String> resources) {
        return PolicyRule.resources(verbs, groups, resources);
    }

    static Stream<Arguments> cases() {
        PolicyRule podsRW = r(List.of("get", "list", "create"), List.of(""), List.of("pods"));
        return Stream.of(
            Arguments.of("same rule", List.of(podsRW), List.of(podsRW), true),
            Arguments.of("fewer verbs", List.of(podsRW), List.of(r(List.of("get"), List.of(""), List.of("pods"))), true),
            Arguments.of("more verbs", List.of(podsRW), List.of(r(List.of("delete"), List.of(""), List.of("pods"))), false),
            Arguments.of("split over two owner rules", List.of(r(List.of("get"), List.of(""), List.of("pods")),
                r(List.of("list"), List.of(""), List.of("pods"))), List.of(r(List.of("get", "list"), List.of(""), List.of("pods"))), true),
            Arguments.of("star owner", List.of(r(List.of("*"), List.of("*"), List.of("*"))),
                List.of(r(List.of("escalate"), List.of("rbac.authorization.k8s.io"), List.of("roles"))), true),
            Arguments.of("star requested needs star", List.of(podsRW), List.of(r(List.of("*"), List.of(""), List.of("pods"))), false),
            Arguments.of("*/sub covers x/sub", List.of(r(List.of("get"), List.of(""), List.of("*/log"))),
                List.of(r(List.of("get"), List.of(""), List.of("pods/log"))), true),
            Arguments.of("resource does not cover subresource", List.of(podsRW),
                List.of(r(List.of("get"), List.of(""), List.of("pods/log"))), false),
            Arguments.of("owner without names covers names", List.of(podsRW),
                List.of(r(List.of("get"), List.of(""), List.of("pods")).withNames(List.of("a"))), true),
            Arguments.of("owner with names does not cover all", List.of(podsRW.withNames(List.of("a"))),
                List.of(r(List.of("get"), List.of(""), List.of("pods"))), false),
            Arguments.of("owner names cover the same names", List.of(podsRW.withNames(List.of("a", "b"))),
                List.of(r(List.of("get"), List.of(""), List.of("pods")).withNames(List.of("b"))), true),
            Arguments.of("URL prefix", List.of(PolicyRule.urls(List.of("get"), List.of("/apis/*"))),
                List.of(PolicyRule.urls(List.of("get"), List.of("/apis/apps"))), true),
            Arguments.of("URL not held", List.of(podsRW), List.of(PolicyRule.urls(List.of("get"), List.of("/metrics"))), false),
            Arguments.of("nothing requested", List.of(), List.of(), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void covers(String name, List<PolicyRule> owner, List<PolicyRule> requested, boolean covered) {
        assertThat(Coverage.uncovered(owner, requested).isEmpty()).isEqualTo(covered);
    }

    @Test
    void reportsTheMissingPiecesOneByOne() {
        List<PolicyRule> missing = Coverage.uncovered(List.of(r(List.of("get"), List.of(""), List.of("pods"))),
            List.of(r(List.of("get", "delete"), List.of(""), List.of("pods", "secrets"))));
        assertThat(missing).containsExactly(
            r(List.of("delete"), List.of(""), List.of("pods")),
            r(List.of("get"), List.of(""), List.of("secrets")),
            r(List.of("delete"), List.of(""), List.of("secrets")));
        assertThat(EscalationCheck.compact(missing.getFirst())).isEqualTo("{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\"]}");
    }

    @Test
    void bootstrapRolesReconcileWithoutLosingUserChanges() throws Exception {
        var expected = BootstrapPolicy.clusterRoles().stream().filter(o -> o.path("metadata").path("name").asText().equals("system:kube-dns"))
            .findFirst().orElseThrow();
        var edited = expected.deepCopy();
        edited.withArray("rules").removeAll();
        edited.withArray("rules").addObject().putArray("verbs").add("get");
        ((com.fasterxml.jackson.databind.node.ObjectNode) edited.withArray("rules").get(0)).putArray("apiGroups").add("example.com");
        ((com.fasterxml.jackson.databind.node.ObjectNode) edited.withArray("rules").get(0)).putArray("resources").add("widgets");
        assertThat(PolicyReconciler.mergeRole(edited, expected)).isTrue();
        List<PolicyRule> rules = PolicyRule.listFrom(edited.get("rules"));
        assertThat(rules.getFirst().resources()).containsExactly("widgets");
        assertThat(Coverage.uncovered(rules, PolicyRule.listFrom(expected.get("rules")))).isEmpty();
        assertThat(PolicyReconciler.mergeRole(edited, expected)).isFalse();
    }
}
