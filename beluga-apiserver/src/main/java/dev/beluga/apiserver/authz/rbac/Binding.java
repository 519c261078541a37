package dev.beluga.apiserver.authz.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beluga.apiserver.auth.UserInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * A RoleBinding or ClusterRoleBinding reduced to what authorization needs. Immutable.
 *
 * @param namespace the binding's namespace; empty for a ClusterRoleBinding
 * @param roleKind  {@code Role} or {@code ClusterRole}
 */
public record Binding(String namespace, String name, String roleKind, String roleName, List<Subject> subjects) {
    /** A subject: kind {@code User}, {@code Group} or {@code ServiceAccount}. */
    public record Subject(String kind, String name, String namespace) {
        /**
         * Whether this subject is {@code user} (upstream's {@code appliesToUser}): a ServiceAccount subject is the user
         * {@code system:serviceaccount:NS:NAME}, its namespace defaulting to the binding's.
         */
        boolean appliesTo(UserInfo user, String bindingNamespace) {
            return switch (kind) {
                case "User" -> name.equals(user.name());
                case "Group" -> user.groups().contains(name);
                case "ServiceAccount" -> {
                    String ns = namespace.isEmpty() ? bindingNamespace : namespace;
                    yield !ns.isEmpty() && user.name().equals("system:serviceaccount:" + ns + ":" + name);
                }
                default -> false;
            };
        }

        /** How upstream names a subject in an allow reason: {@code User "alice"}, {@code ServiceAccount "ns/sa"}. */
        String describe(String bindingNamespace) {
            if (!kind.equals("ServiceAccount")) return kind + " \"" + name + "\"";
            return kind + " \"" + (namespace.isEmpty() ? bindingNamespace : namespace) + "/" + name + "\"";
        }
    }

    public Binding {
        subjects = List.copyOf(subjects);
    }

    /** From a stored (Cluster)RoleBinding. */
    public static Binding from(JsonNode obj) {
        JsonNode meta = obj.path("metadata");
        List<Subject> subjects = new ArrayList<>();
        for (JsonNode s : obj.path("subjects"))
            subjects.add(new Subject(s.path("kind").asText(""), s.path("name").asText(""), s.path("namespace").asText("")));
        JsonNode ref = obj.path("roleRef");
        return new Binding(meta.path("namespace").asText(""), meta.path("name").asText(""), ref.path("kind").asText(""),
            ref.path("name").asText(""), subjects);
    }

    /** The first subject that is {@code user}, or null. */
    public Subject subjectFor(UserInfo user) {
        for (Subject s : subjects) if (s.appliesTo(user, namespace)) return s;
        return null;
    }
}
