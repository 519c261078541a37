package dev.beluga.apiserver.serviceaccount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.auth.TokenAuthenticator;
import dev.beluga.apiserver.auth.UserInfo;
import dev.beluga.apiserver.registry.RegistryStore;
import dev.beluga.apiserver.registry.ResourceRegistry;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Authenticates bound service-account tokens as kube-apiserver's service-account token authenticator does: a token
 * {@link ServiceAccountTokens#verify verified} by signature, issuer, audience and time, whose ServiceAccount still
 * exists with the uid of the token, and whose bound pod, secret or node (if any) still exists with its uid — a pod is
 * also refused once its deletionTimestamp lies more than a minute in the past, a secret once it is past. The user is
 * {@code system:serviceaccount:NS:NAME} in {@code system:serviceaccounts}, {@code system:serviceaccounts:NS} and
 * {@code system:authenticated}, with the ServiceAccount's uid and upstream's extra keys
 * ({@code authentication.kubernetes.io/pod-name}, {@code pod-uid}, {@code node-name}, {@code node-uid},
 * {@code credential-id} = {@code JTI=<jti>}).
 *
 * <p>Objects are read from the store (consistent reads), so a deleted pod's tokens stop working at once.
 * Thread-safe.
 */
public final class ServiceAccountAuthenticator implements TokenAuthenticator {
    public static final String POD_NAME = "authentication.kubernetes.io/pod-name";
    public static final String POD_UID = "authentication.kubernetes.io/pod-uid";
    public static final String NODE_NAME = "authentication.kubernetes.io/node-name";
    public static final String NODE_UID = "authentication.kubernetes.io/node-uid";
    public static final String CREDENTIAL_ID = "authentication.kubernetes.io/credential-id";

    private final ServiceAccountTokens tokens;
    private final ResourceRegistry registry;

    public ServiceAccountAuthenticator(ServiceAccountTokens tokens, ResourceRegistry registry) {
        this.tokens = tokens;
        this.registry = registry;
    }

    @Override
    public Result authenticate(String token, List<String> audiences) {
        ServiceAccountTokens.Claims c;
        try {
            c = tokens.verify(token, audiences);
        } catch (Jws.InvalidTokenException e) {
            return Result.refused(e.getMessage());
        }
        String problem = boundObjectsProblem(c);
        if (problem != null) return Result.refused(problem);
        Map<String, List<String>> extra = new LinkedHashMap<>();
        if (c.pod() != null) {
            extra.put(POD_NAME, List.of(c.pod().name()));
            extra.put(POD_UID, List.of(c.pod().uid()));
        }
        if (c.node() != null) {
            extra.put(NODE_NAME, List.of(c.node().name()));
            if (!c.node().uid().isEmpty()) extra.put(NODE_UID, List.of(c.node().uid()));
        }
        if (!c.id().isEmpty()) extra.put(CREDENTIAL_ID, List.of("JTI=" + c.id()));
        UserInfo user = new UserInfo(c.username(),
            List.of("system:serviceaccounts", "system:serviceaccounts:" + c.namespace(), "system:authenticated"),
            c.serviceAccountUid(), extra);
        return new Result(user, c.audiences(), null);
    }

    /** Why the objects the token is bound to no longer vouch for it, or null. */
    private String boundObjectsProblem(ServiceAccountTokens.Claims c) {
        Instant now = tokens.clock().instant();
        JsonNode sa = read("serviceaccounts", c.namespace(), c.serviceAccount());
        if (sa == null) return "service account " + c.namespace() + "/" + c.serviceAccount() + " has been deleted";
        String saUid = sa.path("metadata").path("uid").asText();
        if (!saUid.equals(c.serviceAccountUid()))
            return "service account UID (" + saUid + ") does not match claim (" + c.serviceAccountUid() + ")";
        if (c.secret() != null) {
            JsonNode s = read("secrets", c.namespace(), c.secret().name());
            if (s == null) return "secret " + c.namespace() + "/" + c.secret().name() + " has been deleted";
            if (!s.path("metadata").path("uid").asText().equals(c.secret().uid()))
                return "secret UID (" + s.path("metadata").path("uid").asText() + ") does not match claim (" + c.secret().uid() + ")";
            if (deletedBefore(s, now)) return "secret " + c.namespace() + "/" + c.secret().name() + " has been deleted";
        }
        if (c.pod() != null) {
            JsonNode p = read("pods", c.namespace(), c.pod().name());
            if (p == null) return "pod " + c.namespace() + "/" + c.pod().name() + " has been deleted";
            if (!p.path("metadata").path("uid").asText().equals(c.pod().uid()))
                return "pod UID (" + p.path("metadata").path("uid").asText() + ") does not match claim (" + c.pod().uid() + ")";
            if (deletedBefore(p, now.minus(ServiceAccountTokens.LEEWAY))) return "pod " + c.namespace() + "/" + c.pod().name() + " has been deleted";
        } else if (c.node() != null && c.secret() == null) {
            // a token bound to the node itself (a pod-bound token's node is informational, as upstream)
            JsonNode n = read("nodes", null, c.node().name());
            if (n == null) return "node " + c.node().name() + " has been deleted";
            if (!n.path("metadata").path("uid").asText().equals(c.node().uid()))
                return "node UID (" + n.path("metadata").path("uid").asText() + ") does not match claim (" + c.node().uid() + ")";
        }
        return null;
    }

    private static boolean deletedBefore(JsonNode obj, Instant t) {
        String dt = obj.path("metadata").path("deletionTimestamp").asText("");
        return !dt.isEmpty() && Instant.parse(dt).isBefore(t);
    }

    private ObjectNode read(String plural, String namespace, String name) {
        RegistryStore store = registry.get("", "v1", plural);
        try {
            return store.get(namespace, name, null);
        } catch (StatusException e) {
            if (e.code() == 404) return null;
            throw e;
        }
    }
}
