package dev.beluga.apiserver.authz.rbac;

import dev.beluga.apiserver.auth.UserInfo;
import dev.beluga.apiserver.authz.Attributes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class PolicyRuleTest {
    private static final UserInfo U = new UserInfo("u", List.of());

    private static PolicyRule rule(List<String> verbs, List<String> groups, List<String> resources, List<String> names) {
        return new PolicyRule(verbs, groups, resources, names, List.of());
    }

    private static Attributes res(String verb, String group, String resource, String sub, String name) {
        return Attributes.resource(U, verb, group, resource, sub, "ns", name);
    }

    static Stream<Arguments> cases() {
        PolicyRule podsRead = rule(List.of("get", "list"), List.of(""), List.of("pods"), List.of());
        PolicyRule all = rule(List.of("*"), List.of("*"), List.of("*"), List.of());
        PolicyRule podLog = rule(List.of("get"), List.of(""), List.of("pods/log"), List.of());
        PolicyRule anyStatus = rule(List.of("update"), List.of("*"), List.of("*/status"), List.of());
        PolicyRule named = rule(List.of("get", "update"), List.of(""), List.of("configmaps"), List.of("a", "b"));
        PolicyRule urls = PolicyRule.urls(List.of("get"), List.of("/healthz", "/apis/*"));
        return Stream.of(
            Arguments.of("exact verb, group, resource", podsRead, res("get", "", "pods", "", "p"), true),
            Arguments.of("list without a name", podsRead, res("list", "", "pods", "", ""), true),
            Arguments.of("other verb", podsRead, res("watch", "", "pods", "", ""), false),
            Arguments.of("other group", podsRead, res("get", "apps", "pods", "", "p"), false),
            Arguments.of("resource rule does not cover its subresources", podsRead, res("get", "", "pods", "log", "p"), false),
            Arguments.of("subresource rule", podLog, res("get", "", "pods", "log", "p"), true),
            Arguments.of("subresource rule is not the resource", podLog, res("get", "", "pods", "", "p"), false),
            Arguments.of("*/status matches any status", anyStatus, res("update", "apps", "deployments", "status", "d"), true),
            Arguments.of("*/status is not scale", anyStatus, res("update", "apps", "deployments", "scale", "d"), false),
            Arguments.of("stars match everything", all, res("deletecollection", "batch", "jobs", "", ""), true),
            Arguments.of("stars match subresources", all, res("create", "", "pods", "exec", "p"), true),
            Arguments.of("resource names: listed", named, res("get", "", "configmaps", "", "a"), true),
            Arguments.of("resource names: not listed", named, res("get", "", "configmaps", "", "c"), false),
            Arguments.of("resource names never match without a name", named, res("get", "", "configmaps", "", ""), false),
            Arguments.of("resource rules do not match URLs", all, Attributes.nonResource(U, "get", "/healthz"), false),
            Arguments.of("URL exact", urls, Attributes.nonResource(U, "get", "/healthz"), true),
            Arguments.of("URL prefix with star", urls, Attributes.nonResource(U, "get", "/apis/apps/v1"), true),
            Arguments.of("URL: other verb", urls, Attributes.nonResource(U, "post", "/healthz"), false),
            Arguments.of("URL: other path", urls, Attributes.nonResource(U, "get", "/metrics"), false),
            Arguments.of("URL rules do not match resources", urls, res("get", "", "pods", "", ""), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matches(String name, PolicyRule rule, Attributes request, boolean allowed) {
        assertThat(rule.allows(request)).isEqualTo(allowed);
    }
}
