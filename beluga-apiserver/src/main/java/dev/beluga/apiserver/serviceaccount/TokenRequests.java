package dev.beluga.apiserver.serviceaccount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.registry.FieldErrors;
import dev.beluga.apiserver.registry.ResourceRegistry;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code serviceaccounts/token} subresource (authentication.k8s.io/v1 TokenRequest), as kube-apiserver's token
 * REST storage: defaults (audiences: the API audiences; {@code expirationSeconds} 3600), validation (422: at least
 * 600 s, at most 2^32 s; the name, if given, must be the ServiceAccount's), the ServiceAccount (404 when missing),
 * the bound object ({@code boundObjectRef} kind Pod, Secret or Node of {@code v1}: 404 when missing, 400 for other
 * kinds or a pod of another service account, 409 when its uid differs from the reference's). A pod on a node also
 * binds the node (name and uid) into the token. Nothing is stored. Thread-safe.
 */
public final class TokenRequests {
    static final long DEFAULT_EXPIRATION = 3600;
    static final long MIN_EXPIRATION = 600;
    static final long MAX_EXPIRATION = 1L << 32;

    private final ServiceAccountTokens tokens;
    private final ResourceRegistry registry;

    public TokenRequests(ServiceAccountTokens tokens, ResourceRegistry registry) {
        this.tokens = tokens;
        this.registry = registry;
    }

    /** Answers the TokenRequest {@code request} posted for ServiceAccount {@code namespace/name}: the request with status. */
    public ObjectNode create(String namespace, String name, ObjectNode request) {
        if (!request.path("kind").asText("TokenRequest").equals("TokenRequest"))
            throw StatusException.badRequest("expected a TokenRequest, got " + request.path("kind").asText());
        ObjectNode meta = Json.with(request, "metadata");
        ObjectNode spec = Json.with(request, "spec");
        if (!(spec.get("audiences") instanceof ArrayNode a) || a.isEmpty()) {
            ArrayNode aud = spec.putArray("audiences");
            tokens.config().apiAudiences().forEach(aud::add);
        }
        if (!spec.hasNonNull("expirationSeconds")) spec.put("expirationSeconds", DEFAULT_EXPIRATION);
        FieldErrors errors = new FieldErrors();
        String given = meta.path("name").asText("");
        if (!given.isEmpty() && !given.equals(name)) errors.invalid("metadata.name", given, "must match the service account name if specified");
        String givenNs = meta.path("namespace").asText("");
        if (!givenNs.isEmpty() && !givenNs.equals(namespace))
            errors.invalid("metadata.namespace", givenNs, "must match the service account namespace if specified");
        JsonNode exp = spec.get("expirationSeconds");
        if (!exp.canConvertToLong()) errors.invalid("spec.expirationSeconds", exp.asText(), "must be an integer");
        else if (exp.asLong() < MIN_EXPIRATION) errors.invalid("spec.expirationSeconds", exp.asLong(), "may not specify a duration less than 10 minutes");
        else if (exp.asLong() > MAX_EXPIRATION) errors.invalid("spec.expirationSeconds", exp.asLong(), "may not specify a duration larger than 2^32 seconds");
        List<String> audiences = new ArrayList<>();
        for (int i = 0; i < spec.get("audiences").size(); i++) {
            JsonNode a = spec.get("audiences").get(i);
            if (!a.isTextual() || a.asText().isEmpty()) errors.invalid("spec.audiences[" + i + "]", a.asText(), "audiences must not be empty");
            else audiences.add(a.asText());
        }
        JsonNode ref = spec.path("boundObjectRef");
        String kind = ref.path("kind").asText("");
        if (ref.isObject() && ref.path("name").asText("").isEmpty()) errors.required("spec.boundObjectRef.name");
        if (!errors.isEmpty()) throw StatusException.invalid("authentication.k8s.io", "TokenRequest", name, errors.causes());

        ObjectNode sa = registry.get("", "v1", "serviceaccounts").get(namespace, name, null);
        ServiceAccountTokens.Ref saRef = new ServiceAccountTokens.Ref(name, sa.path("metadata").path("uid").asText());
        ServiceAccountTokens.Ref pod = null;
        ServiceAccountTokens.Ref secret = null;
        ServiceAccountTokens.Ref node = null;
        if (ref.isObject()) {
            String apiVersion = ref.path("apiVersion").asText("v1");
            String refName = ref.path("name").asText();
            if (!apiVersion.equals("v1") || !List.of("Pod", "Secret", "Node").contains(kind))
                throw StatusException.badRequest("cannot bind token to object of type " + groupVersionKind(apiVersion, kind));
            ObjectNode target = switch (kind) {
                case "Pod" -> registry.get("", "v1", "pods").get(namespace, refName, null);
                case "Secret" -> registry.get("", "v1", "secrets").get(namespace, refName, null);
                default -> registry.get("", "v1", "nodes").get(null, refName, null);
            };
            String uid = target.path("metadata").path("uid").asText();
            String wantUid = ref.path("uid").asText("");
            if (!wantUid.isEmpty() && !wantUid.equals(uid))
                throw new StatusException(409, "Conflict", "Operation cannot be fulfilled on " + kind + " \"" + refName
                    + "\": the UID in the bound object reference (" + wantUid + ") does not match the UID in record. The object"
                    + " might have been deleted and then recreated", "", kind, refName, null, null);
            switch (kind) {
                case "Pod" -> {
                    if (!name.equals(target.path("spec").path("serviceAccountName").asText("default")))
                        throw StatusException.badRequest("cannot bind token for serviceaccount \"" + name
                            + "\" to pod running with different serviceaccount name.");
                    pod = new ServiceAccountTokens.Ref(refName, uid);
                    String nodeName = target.path("spec").path("nodeName").asText("");
                    if (!nodeName.isEmpty()) node = new ServiceAccountTokens.Ref(nodeName, nodeUid(nodeName));
                }
                case "Secret" -> secret = new ServiceAccountTokens.Ref(refName, uid);
                default -> node = new ServiceAccountTokens.Ref(refName, uid);
            }
        }
        long seconds = exp.asLong();
        Instant now = tokens.clock().instant();
        String token = tokens.issue(namespace, saRef, audiences, Duration.ofSeconds(seconds), pod, secret, node);
        meta.put("name", name).put("namespace", namespace).put("creationTimestamp", now.truncatedTo(ChronoUnit.SECONDS).toString());
        request.put("apiVersion", "authentication.k8s.io/v1").put("kind", "TokenRequest");
        request.putObject("status").put("token", token)
            .put("expirationTimestamp", now.plusSeconds(seconds).truncatedTo(ChronoUnit.SECONDS).toString());
        return request;
    }

    /** The node's uid, or "" when it cannot be read (upstream: the token does not need it to be validated). */
    private String nodeUid(String nodeName) {
        try {
            return registry.get("", "v1", "nodes").get(null, nodeName, null).path("metadata").path("uid").asText("");
        } catch (StatusException e) {
            return "";
        }
    }

    private static String groupVersionKind(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        return group + "/" + version + ", Kind=" + kind;
    }
}
