package dev.beluga.apiserver.authz.rbac;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.auth.UserInfo;
import dev.beluga.apiserver.registry.LocalInformer;
import dev.beluga.apiserver.registry.ResourceRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-memory copies of the Roles, ClusterRoles, RoleBindings and ClusterRoleBindings, kept by {@link LocalInformer}s
 * over the API server's watch caches, and the walk over the rules that apply to a user (upstream's
 * {@code DefaultRuleResolver.VisitRulesFor}).
 *
 * <p>Threading: updated by the informers' threads, read concurrently by request threads; each map entry is replaced
 * whole, so a reader sees every object either before or after a change.
 */
public final class RbacIndex implements AutoCloseable {
    /** What the walk found: a rule and where it came from. Return false to stop the walk. */
    @FunctionalInterface
    public interface RuleVisitor {
        boolean visit(Binding binding, Binding.Subject subject, PolicyRule rule);
    }

    private final Map<String, List<PolicyRule>> roles = new ConcurrentHashMap<>();          // ns/name
    private final Map<String, List<PolicyRule>> clusterRoles = new ConcurrentHashMap<>();   // name
    private final Map<String, Map<String, Binding>> roleBindings = new ConcurrentHashMap<>(); // ns -> name -> binding
    private final Map<String, Binding> clusterRoleBindings = new ConcurrentHashMap<>();
    private final List<LocalInformer> informers = new ArrayList<>();

    /** Loads the four resources and follows them; returns once the current objects are in. */
    public RbacIndex start(ResourceRegistry registry) {
        follow(registry, "roles", roles::clear, o -> roles.put(key(o), PolicyRule.listFrom(o.get("rules"))), o -> roles.remove(key(o)));
        follow(registry, "clusterroles", clusterRoles::clear, o -> clusterRoles.put(name(o), PolicyRule.listFrom(o.get("rules"))),
            o -> clusterRoles.remove(name(o)));
        follow(registry, "rolebindings", roleBindings::clear, o -> putBinding(Binding.from(o)), o -> {
            Binding b = Binding.from(o);
            Map<String, Binding> in = roleBindings.get(b.namespace());
            if (in != null) in.remove(b.name());
        });
        follow(registry, "clusterrolebindings", clusterRoleBindings::clear, o -> putBinding(Binding.from(o)),
            o -> clusterRoleBindings.remove(name(o)));
        return this;
    }

    private void follow(ResourceRegistry registry, String plural, Runnable reset, java.util.function.Consumer<ObjectNode> upsert,
                        java.util.function.Consumer<ObjectNode> delete) {
        informers.add(new LocalInformer(registry.get("rbac.authorization.k8s.io", "v1", plural).cache(),
            LocalInformer.Handler.of(reset, upsert, delete)).start());
    }

    private static String name(ObjectNode o) {
        return o.path("metadata").path("name").asText();
    }

    private static String key(ObjectNode o) {
        return o.path("metadata").path("namespace").asText() + "/" + name(o);
    }

    /** Puts objects in directly (tests without a server; also what the informers do). */
    public void putClusterRole(String name, List<PolicyRule> rules) {
        clusterRoles.put(name, List.copyOf(rules));
    }

    public void putRole(String namespace, String name, List<PolicyRule> rules) {
        roles.put(namespace + "/" + name, List.copyOf(rules));
    }

    public void putBinding(Binding b) {
        if (b.namespace().isEmpty()) clusterRoleBindings.put(b.name(), b);
        else roleBindings.computeIfAbsent(b.namespace(), k -> new ConcurrentHashMap<>()).put(b.name(), b);
    }

    /** The rules of the role a binding refers to (empty when it does not exist). */
    public List<PolicyRule> roleRules(String bindingNamespace, String kind, String name) {
        List<PolicyRule> r = kind.equals("ClusterRole") ? clusterRoles.get(name)
            : kind.equals("Role") && !bindingNamespace.isEmpty() ? roles.get(bindingNamespace + "/" + name) : null;
        return r == null ? List.of() : r;
    }

    /**
     * Visits every rule granted to {@code user} by ClusterRoleBindings, then (with a namespace) by the RoleBindings of
     * {@code namespace}, until the visitor returns false.
     */
    public void visitRules(UserInfo user, String namespace, RuleVisitor visitor) {
        for (Binding b : clusterRoleBindings.values()) {
            if (!walk(b, user, visitor)) return;
        }
        if (namespace == null || namespace.isEmpty()) return;
        Map<String, Binding> in = roleBindings.get(namespace);
        if (in == null) return;
        for (Binding b : in.values()) {
            if (!walk(b, user, visitor)) return;
        }
    }

    private boolean walk(Binding b, UserInfo user, RuleVisitor visitor) {
        Binding.Subject s = b.subjectFor(user);
        if (s == null) return true;
        for (PolicyRule r : roleRules(b.namespace(), b.roleKind(), b.roleName())) {
            if (!visitor.visit(b, s, r)) return false;
        }
        return true;
    }

    /** Every rule granted to {@code user} in {@code namespace} (cluster-wide ones included). */
    public List<PolicyRule> rulesFor(UserInfo user, String namespace) {
        List<PolicyRule> out = new ArrayList<>();
        visitRules(user, namespace, (b, s, r) -> out.add(r));
        return out;
    }

    @Override
    public void close() {
        informers.forEach(LocalInformer::close);
    }
}
