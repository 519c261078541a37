package dev.beluga.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.auth.UserInfo;
import dev.beluga.apiserver.authz.Attributes;
import dev.beluga.apiserver.authz.Authorizer;
import dev.beluga.apiserver.authz.Decision;
import dev.beluga.apiserver.authz.rbac.PolicyRule;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code authorization.k8s.io/v1} reviews, answered from the API server's authorizer and never stored (201 with the
 * request and its {@code status}), as upstream:
 *
 * <ul>
 *   <li>{@code subjectaccessreviews}: may {@code spec.user}/{@code spec.groups} do {@code spec.resourceAttributes} or
 *       {@code spec.nonResourceAttributes} (the kubelet asks this for every request it serves);</li>
 *   <li>{@code namespaces/NS/localsubjectaccessreviews}: the same, for resource attributes in NS only;</li>
 *   <li>{@code selfsubjectaccessreviews}: may the requester ({@code kubectl auth can-i});</li>
 *   <li>{@code selfsubjectrulesreviews}: the requester's rules in {@code spec.namespace} ({@code kubectl auth can-i
 *       --list}).</li>
 * </ul>
 * The status carries {@code allowed}, {@code denied} (when an authorizer said no outright) and the {@code reason}.
 * Malformed specs are 422 with the field path. Thread-safe.
 */
public final class AccessReviews {
    public static final String PREFIX = "/apis/authorization.k8s.io/v1/";

    private final Authorizer authorizer;

    public AccessReviews(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    /** Serves {@code path} if it is one of the reviews (POST) and returns true; false otherwise. */
    public boolean handle(Exchange ex, String path) {
        if (!path.startsWith(PREFIX)) return false;
        String rest = path.substring(PREFIX.length());
        String namespace = null;
        if (rest.startsWith("namespaces/")) {
            String[] parts = rest.split("/");
            if (parts.length != 3 || !parts[2].equals("localsubjectaccessreviews")) return false;
            namespace = parts[1];
            rest = parts[2];
        }
        String kind = switch (rest) {
            case "subjectaccessreviews" -> "SubjectAccessReview";
            case "selfsubjectaccessreviews" -> "SelfSubjectAccessReview";
            case "selfsubjectrulesreviews" -> "SelfSubjectRulesReview";
            case "localsubjectaccessreviews" -> namespace == null ? null : "LocalSubjectAccessReview";
            default -> null;
        };
        if (kind == null) return false;
        if (!ex.method().equals("POST"))
            throw StatusException.methodNotAllowed("the server does not allow this method on the requested resource");
        ObjectNode review = Bodies.object(ex, null);
        review.put("apiVersion", "authorization.k8s.io/v1").put("kind", kind);
        ObjectNode meta = review.with("metadata");
        if (!meta.has("creationTimestamp")) meta.putNull("creationTimestamp");
        if (namespace != null) meta.put("namespace", namespace);
        JsonNode spec = review.path("spec");
        ObjectNode status = review.putObject("status");
        if (kind.equals("SelfSubjectRulesReview")) {
            rules(ex.user(), spec.path("namespace").asText(""), status);
        } else {
            UserInfo subject = kind.startsWith("Self") ? ex.user() : subject(spec, kind);
            Attributes a = attributes(subject, spec, kind, namespace);
            Decision d = authorizer.authorize(a);
            status.put("allowed", d.allowed());
            if (d.kind() == Decision.Kind.DENY) status.put("denied", true);
            if (!d.reason().isEmpty()) status.put("reason", d.reason());
        }
        ex.sendJson(201, review);
        return true;
    }

    private static UserInfo subject(JsonNode spec, String kind) {
        String user = spec.path("user").asText("");
        List<String> groups = new ArrayList<>();
        spec.path("groups").forEach(g -> groups.add(g.asText()));
        if (user.isEmpty() && groups.isEmpty())
            throw invalid(kind, "spec.user", "Invalid value: \"\": at least one of user or group must be specified");
        return new UserInfo(user, List.copyOf(groups));
    }

    private static Attributes attributes(UserInfo user, JsonNode spec, String kind, String namespace) {
        JsonNode ra = spec.path("resourceAttributes");
        JsonNode nra = spec.path("nonResourceAttributes");
        boolean resource = ra.isObject();
        if (resource == nra.isObject())
            throw invalid(kind, "spec.resourceAttributes", "Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified");
        if (!resource) {
            if (namespace != null)
                throw invalid(kind, "spec.nonResourceAttributes", "Invalid value: \"null\": disallowed on this kind of request");
            return Attributes.nonResource(user, nra.path("verb").asText(""), nra.path("path").asText(""));
        }
        String ns = ra.path("namespace").asText("");
        if (namespace != null && !namespace.equals(ns))
            throw StatusException.badRequest("spec.resourceAttributes.namespace must match namespace: " + namespace);
        return new Attributes(user, ra.path("verb").asText(""), true, "", ns, ra.path("group").asText(""),
            ra.path("version").asText(""), ra.path("resource").asText(""), ra.path("subresource").asText(""), ra.path("name").asText(""));
    }

    private void rules(UserInfo user, String namespace, ObjectNode status) {
        Authorizer.RuleSet set = authorizer.rulesFor(user, namespace);
        ArrayNode resourceRules = status.putArray("resourceRules");
        ArrayNode urlRules = status.putArray("nonResourceRules");
        for (PolicyRule r : set.rules()) {
            if (!r.nonResourceURLs().isEmpty()) {
                ObjectNode o = urlRules.addObject();
                r.verbs().forEach(o.putArray("verbs")::add);
                r.nonResourceURLs().forEach(o.putArray("nonResourceURLs")::add);
            }
            if (!r.resources().isEmpty()) {
                ObjectNode o = resourceRules.addObject();
                r.verbs().forEach(o.putArray("verbs")::add);
                r.apiGroups().forEach(o.putArray("apiGroups")::add);
                r.resources().forEach(o.putArray("resources")::add);
                if (!r.resourceNames().isEmpty()) r.resourceNames().forEach(o.putArray("resourceNames")::add);
            }
        }
        status.put("incomplete", set.incomplete());
    }

    private static StatusException invalid(String kind, String field, String detail) {
        return StatusException.invalid("authorization.k8s.io", kind, "",
            List.of(new StatusException.Cause("FieldValueInvalid", detail, field)));
    }
}
