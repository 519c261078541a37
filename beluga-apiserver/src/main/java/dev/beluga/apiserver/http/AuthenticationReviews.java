package dev.beluga.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.auth.Authenticator;
import dev.beluga.apiserver.auth.TokenAuthenticator;
import dev.beluga.apiserver.auth.UserInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The authentication.k8s.io reviews, created and answered, never stored: SelfSubjectReview ({@code kubectl auth
 * whoami}: the requester's user name, uid, groups and extra) and TokenReview (whether a bearer token authenticates,
 * for the review's audiences, and as whom — what webhook token authenticators and kube-rbac-proxy ask).
 */
final class AuthenticationReviews {
    private AuthenticationReviews() {
    }

    static void selfSubjectReview(Exchange ex, String version) {
        ex.body(); // the request carries nothing but its kind
        ObjectNode review = Json.object().put("apiVersion", "authentication.k8s.io/" + version).put("kind", "SelfSubjectReview");
        review.putObject("metadata").putNull("creationTimestamp");
        userInfo(review.putObject("status").putObject("userInfo"), ex.user());
        ex.sendJson(201, review);
    }

    static void tokenReview(Exchange ex, Authenticator authenticator) {
        ObjectNode review = Bodies.object(ex, null);
        review.put("apiVersion", "authentication.k8s.io/v1").put("kind", "TokenReview");
        JsonNode token = review.path("spec").path("token");
        if (!token.isTextual() || token.asText().isEmpty())
            throw StatusException.invalid("authentication.k8s.io", "TokenReview", "",
                List.of(new StatusException.Cause("FieldValueRequired", "Required value", "spec.token")));
        List<String> audiences = new ArrayList<>();
        for (JsonNode a : review.path("spec").path("audiences")) audiences.add(a.asText());
        TokenAuthenticator.Result r = authenticator.authenticateToken(token.asText(), audiences);
        Json.with(review, "metadata").putNull("creationTimestamp");
        ObjectNode status = review.putObject("status");
        status.put("authenticated", r.authenticated());
        if (r.authenticated()) {
            userInfo(status.putObject("user"), r.user());
            if (!r.audiences().isEmpty()) {
                ArrayNode aud = status.putArray("audiences");
                r.audiences().forEach(aud::add);
            }
        } else {
            status.putObject("user");
            status.put("error", r.error() == null ? "invalid bearer token" : r.error());
        }
        ex.sendJson(201, review);
    }

    private static void userInfo(ObjectNode out, UserInfo user) {
        out.put("username", user.name());
        if (user.uid() != null && !user.uid().isEmpty()) out.put("uid", user.uid());
        ArrayNode groups = out.putArray("groups");
        user.groups().forEach(groups::add);
        if (!user.extra().isEmpty()) {
            ObjectNode extra = out.putObject("extra");
            for (Map.Entry<String, List<String>> e : new java.util.TreeMap<>(user.extra()).entrySet()) {
                ArrayNode values = extra.putArray(e.getKey());
                e.getValue().forEach(values::add);
            }
        }
    }
}
