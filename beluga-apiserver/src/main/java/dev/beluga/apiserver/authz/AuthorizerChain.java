package dev.beluga.apiserver.authz;

import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.auth.UserInfo;
import dev.beluga.apiserver.authz.rbac.PolicyRule;

import java.util.ArrayList;
import java.util.List;

/**
 * The API server's authorizers in {@code --authorization-mode} order, after the privileged group
 * {@value #PRIVILEGED_GROUP} (always allowed, as upstream): the first ALLOW or DENY decides; when all have no opinion the
 * request is refused, with their reasons joined. Thread-safe.
 */
public final class AuthorizerChain implements Authorizer {
    public static final String PRIVILEGED_GROUP = "system:masters";

    private final List<Authorizer> authorizers;

    public AuthorizerChain(List<Authorizer> authorizers) {
        this.authorizers = List.copyOf(authorizers);
    }

    @Override
    public Decision authorize(Attributes a) {
        if (a.user() != null && a.user().groups().contains(PRIVILEGED_GROUP)) return Decision.allow("");
        List<String> reasons = new ArrayList<>();
        for (Authorizer z : authorizers) {
            Decision d = z.authorize(a);
            if (d.kind() != Decision.Kind.NO_OPINION) return d;
            if (!d.reason().isEmpty()) reasons.add(d.reason());
        }
        return Decision.noOpinion(String.join("\n", reasons));
    }

    @Override
    public RuleSet rulesFor(UserInfo user, String namespace) {
        if (user.groups().contains(PRIVILEGED_GROUP)) {
            return new RuleSet(List.of(PolicyRule.resources(List.of("*"), List.of("*"), List.of("*")),
                PolicyRule.urls(List.of("*"), List.of("*"))), false);
        }
        List<PolicyRule> rules = new ArrayList<>();
        boolean incomplete = false;
        for (Authorizer z : authorizers) {
            RuleSet r = z.rulesFor(user, namespace);
            rules.addAll(r.rules());
            incomplete |= r.incomplete();
        }
        return new RuleSet(rules, incomplete);
    }

    /** Throws upstream's 403 for {@code a} unless the chain allows it. */
    public void check(Attributes a) {
        Decision d = authorize(a);
        if (!d.allowed()) throw forbidden(a, d.reason());
    }

    /**
     * Upstream's Forbidden status: {@code pods "p" is forbidden: User "alice" cannot get resource "pods" in API group ""
     * in the namespace "default"[: reason]} ({@code pods is forbidden: ...} without a name; {@code forbidden: User ...
     * cannot get path "/x"} for non-resource requests), details naming the group, resource and name.
     */
    public static StatusException forbidden(Attributes a, String reason) {
        String why = a.refusal() + (reason == null || reason.isEmpty() ? "" : ": " + reason);
        if (!a.resourceRequest()) return new StatusException(403, "Forbidden", "forbidden: " + why);
        String qualified = a.apiGroup().isEmpty() ? a.resource() : a.resource() + "." + a.apiGroup();
        String message = a.name().isEmpty() ? qualified + " is forbidden: " + why
            : qualified + " \"" + a.name() + "\" is forbidden: " + why;
        return new StatusException(403, "Forbidden", message, a.apiGroup(), a.resource(), a.name().isEmpty() ? null : a.name(), null, null);
    }

    /** The authorizers named by {@code --authorization-mode}; throws IllegalArgumentException for unknown ones. */
    public static List<String> parseModes(String modes) {
        List<String> out = new ArrayList<>();
        for (String m : modes.split(",")) {
            String t = m.trim();
            if (t.isEmpty()) continue;
            if (!List.of("AlwaysAllow", "AlwaysDeny", "Node", "RBAC").contains(t))
                throw new IllegalArgumentException("authorization mode \"" + t + "\" is not supported (AlwaysAllow, AlwaysDeny, Node, RBAC)");
            if (out.contains(t)) throw new IllegalArgumentException("authorization mode \"" + t + "\" is given twice");
            out.add(t);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("at least one authorization mode is required");
        return List.copyOf(out);
    }

    /** Allows everything (mode {@code AlwaysAllow}). */
    public static final Authorizer ALWAYS_ALLOW = new Authorizer() {
        @Override
        public Decision authorize(Attributes a) {
            return Decision.allow("");
        }

        @Override
        public RuleSet rulesFor(UserInfo user, String namespace) {
            return new RuleSet(List.of(PolicyRule.resources(List.of("*"), List.of("*"), List.of("*")),
                PolicyRule.urls(List.of("*"), List.of("*"))), false);
        }
    };

    /** Denies everything (mode {@code AlwaysDeny}). */
    public static final Authorizer ALWAYS_DENY = a -> Decision.deny("Everything is forbidden.");
}
