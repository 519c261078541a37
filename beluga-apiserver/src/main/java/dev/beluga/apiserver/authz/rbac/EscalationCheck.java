package dev.beluga.apiserver.authz.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.auth.UserInfo;
import dev.beluga.apiserver.authz.Attributes;
import dev.beluga.apiserver.authz.Authorizer;
import dev.beluga.apiserver.authz.AuthorizerChain;
import dev.beluga.apiserver.registry.Admission;
import dev.beluga.apiserver.registry.WriteOptions;

import java.util.List;
import java.util.stream.Collectors;

/**
 * RBAC's escalation prevention, as upstream's role and binding storage: a user may create or update a Role or
 * ClusterRole only with rules they hold themselves (in that namespace, or cluster-wide) unless they may
 * {@code escalate} roles; writing an {@code aggregationRule} needs every permission; a user may create or update a
 * RoleBinding or ClusterRoleBinding only to a role whose rules they hold, unless they may {@code bind} that role.
 * {@code system:masters} may do anything. Refusals are upstream's 403:
 * {@code ... is forbidden: user "alice" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not
 * currently held:} and the missing rules, one per line. Thread-safe.
 */
public final class EscalationCheck implements Admission {
    private static final String GROUP = "rbac.authorization.k8s.io";
    private static final List<PolicyRule> EVERYTHING = List.of(PolicyRule.resources(List.of("*"), List.of("*"), List.of("*")),
        PolicyRule.urls(List.of("*"), List.of("*")));

    private final String plural;
    private final Authorizer authorizer;
    private final RbacIndex index;

    /**
     * @param plural     roles, clusterroles, rolebindings or clusterrolebindings
     * @param authorizer the API server's authorizer chain (asked for {@code escalate} and {@code bind})
     * @param index      the roles, to resolve a binding's role reference
     */
    public EscalationCheck(String plural, Authorizer authorizer, RbacIndex index) {
        this.plural = plural;
        this.authorizer = authorizer;
        this.index = index;
    }

    @Override
    public void admit(Operation op, ObjectNode obj, ObjectNode old, WriteOptions w) {
        UserInfo user = w.user();
        if (user.groups().contains(AuthorizerChain.PRIVILEGED_GROUP)) return;
        String ns = obj.path("metadata").path("namespace").asText("");
        String name = obj.path("metadata").path("name").asText("");
        switch (plural) {
            case "roles", "clusterroles" -> {
                if (allowed(Attributes.resource(user, "escalate", GROUP, plural, "", ns, name))) return;
                if (plural.equals("clusterroles") && obj.has("aggregationRule")
                    && (old == null || !obj.path("aggregationRule").equals(old.path("aggregationRule")))) {
                    if (!uncovered(user, ns, EVERYTHING).isEmpty())
                        throw forbidden(name, "must have cluster-admin privileges to use the aggregationRule");
                }
                refuseMissing(user, ns, name, PolicyRule.listFrom(obj.get("rules")));
            }
            case "rolebindings", "clusterrolebindings" -> {
                JsonNode ref = obj.path("roleRef");
                String kind = ref.path("kind").asText();
                String role = ref.path("name").asText();
                if (old != null && ref.equals(old.path("roleRef")) && obj.path("subjects").equals(old.path("subjects"))) return;
                String resource = kind.equals("Role") ? "roles" : "clusterroles";
                if (allowed(Attributes.resource(user, "bind", GROUP, resource, "", ns, role))) return;
                refuseMissing(user, ns, name, index.roleRules(ns, kind, role));
            }
            default -> { }
        }
    }

    private boolean allowed(Attributes a) {
        return authorizer.authorize(a).allowed();
    }

    private List<PolicyRule> uncovered(UserInfo user, String ns, List<PolicyRule> wanted) {
        return Coverage.uncovered(authorizer.rulesFor(user, ns).rules(), wanted);
    }

    private void refuseMissing(UserInfo user, String ns, String name, List<PolicyRule> wanted) {
        List<PolicyRule> missing = uncovered(user, ns, wanted);
        if (missing.isEmpty()) return;
        String groups = user.groups().stream().map(g -> "\"" + g + "\"").collect(Collectors.joining(" ", "[", "]"));
        throw forbidden(name, "user \"" + user.name() + "\" (groups=" + groups + ") is attempting to grant RBAC permissions not currently held:\n"
            + missing.stream().map(EscalationCheck::compact).collect(Collectors.joining("\n")));
    }

    private StatusException forbidden(String name, String why) {
        return new StatusException(403, "Forbidden", plural + "." + GROUP + " \"" + name + "\" is forbidden: " + why, GROUP,
            plural, name, null, null);
    }

    /** Upstream's compact rendering: {@code {APIGroups:[""], Resources:["pods"], Verbs:["get"]}}. */
    static String compact(PolicyRule r) {
        StringBuilder b = new StringBuilder("{");
        if (!r.apiGroups().isEmpty() || !r.resources().isEmpty()) {
            b.append("APIGroups:").append(quoted(r.apiGroups())).append(", Resources:").append(quoted(r.resources()));
            if (!r.resourceNames().isEmpty()) b.append(", ResourceNames:").append(quoted(r.resourceNames()));
        } else {
            b.append("NonResourceURLs:").append(quoted(r.nonResourceURLs()));
        }
        return b.append(", Verbs:").append(quoted(r.verbs())).append("}").toString();
    }

    private static String quoted(List<String> values) {
        return values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(" ", "[", "]"));
    }
}
