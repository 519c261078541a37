package dev.beluga.apiserver.serviceaccount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Makes and checks the JWTs of bound service-account tokens, with upstream's claims:
 * <pre>
 * iss, sub = system:serviceaccount:NS:NAME, aud [..], iat = nbf = now, exp, jti (a UUID),
 * kubernetes.io: {namespace, serviceaccount: {name, uid}, pod: {name, uid}?, secret: {name, uid}?, node: {name, uid}?}
 * </pre>
 * {@link #verify} checks the signature ({@link Jws}), the issuer, the audience and the times (with upstream's one
 * minute of leeway); whether the bound objects still exist is the {@link ServiceAccountAuthenticator}'s business.
 * Thread-safe.
 */
public final class ServiceAccountTokens {
    /** go-jose's default leeway, which kube-apiserver's validator uses for exp, nbf and iat. */
    static final Duration LEEWAY = Duration.ofMinutes(1);
    private static final String PRIVATE = "kubernetes.io";

    private final TokenIssuerConfig config;
    private final Clock clock;

    public ServiceAccountTokens(TokenIssuerConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    public TokenIssuerConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    /** A name and uid of a bound object (uid may be empty for a node whose uid could not be read). */
    public record Ref(String name, String uid) {
    }

    /** What a verified token says. {@code audiences}: those of the token that the verifier accepted. */
    public record Claims(String namespace, String serviceAccount, String serviceAccountUid, Ref pod, Ref secret, Ref node,
                         String id, List<String> audiences, Instant expiry) {
        public String username() {
            return "system:serviceaccount:" + namespace + ":" + serviceAccount;
        }
    }

    /** A signed token issued now, valid for {@code lifetime}. {@code pod}, {@code secret}, {@code node} may be null. */
    public String issue(String namespace, Ref serviceAccount, List<String> audiences, Duration lifetime, Ref pod, Ref secret, Ref node) {
        long now = clock.instant().getEpochSecond();
        ObjectNode c = Json.object();
        ArrayNode aud = c.putArray("aud");
        audiences.forEach(aud::add);
        c.put("exp", now + lifetime.toSeconds()).put("iat", now).put("iss", config.issuer()).put("jti", UUID.randomUUID().toString());
        ObjectNode k = c.putObject(PRIVATE);
        k.put("namespace", namespace);
        if (node != null) ref(k, "node", node);
        if (pod != null) ref(k, "pod", pod);
        if (secret != null) ref(k, "secret", secret);
        ref(k, "serviceaccount", serviceAccount);
        c.put("nbf", now).put("sub", "system:serviceaccount:" + namespace + ":" + serviceAccount.name());
        return Jws.sign(config.key().get(), c);
    }

    private static void ref(ObjectNode parent, String field, Ref r) {
        ObjectNode o = parent.putObject(field).put("name", r.name());
        if (r.uid() != null && !r.uid().isEmpty()) o.put("uid", r.uid());
    }

    /**
     * The claims of {@code token} if this issuer signed it for one of {@code audiences} (null: the API audiences) and
     * it is within its lifetime.
     *
     * @throws Jws.InvalidTokenException otherwise
     */
    public Claims verify(String token, List<String> audiences) throws Jws.InvalidTokenException {
        ObjectNode c = Jws.verify(token, List.of(config.key().get()));
        if (!config.issuer().equals(c.path("iss").asText(null))) throw new Jws.InvalidTokenException("token issuer is not accepted");
        List<String> accepted = audiences == null || audiences.isEmpty() ? config.apiAudiences() : audiences;
        List<String> matched = new ArrayList<>();
        JsonNode aud = c.path("aud");
        if (aud.isTextual() && accepted.contains(aud.asText())) matched.add(aud.asText());
        for (JsonNode a : aud) if (accepted.contains(a.asText()) && !matched.contains(a.asText())) matched.add(a.asText());
        if (matched.isEmpty()) throw new Jws.InvalidTokenException("token audiences " + aud + " is invalid for the target audiences " + accepted);
        Instant now = clock.instant();
        if (!c.path("exp").canConvertToLong()) throw new Jws.InvalidTokenException("token has no expiry");
        Instant exp = Instant.ofEpochSecond(c.path("exp").asLong());
        if (now.isAfter(exp.plus(LEEWAY))) throw new Jws.InvalidTokenException("service account token has expired");
        for (String t : new String[] {"nbf", "iat"})
            if (c.path(t).canConvertToLong() && Instant.ofEpochSecond(c.path(t).asLong()).isAfter(now.plus(LEEWAY)))
                throw new Jws.InvalidTokenException("service account token is not valid yet");
        JsonNode k = c.path(PRIVATE);
        String ns = k.path("namespace").asText("");
        String sa = k.path("serviceaccount").path("name").asText("");
        if (ns.isEmpty() || sa.isEmpty() || !c.path("sub").asText("").equals("system:serviceaccount:" + ns + ":" + sa))
            throw new Jws.InvalidTokenException("token does not name a service account");
        return new Claims(ns, sa, k.path("serviceaccount").path("uid").asText(""), readRef(k, "pod"), readRef(k, "secret"),
            readRef(k, "node"), c.path("jti").asText(""), List.copyOf(matched), exp);
    }

    private static Ref readRef(JsonNode k, String field) {
        JsonNode r = k.path(field);
        return r.isObject() ? new Ref(r.path("name").asText(""), r.path("uid").asText("")) : null;
    }
}
