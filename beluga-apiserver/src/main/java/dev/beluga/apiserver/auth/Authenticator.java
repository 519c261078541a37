package dev.beluga.apiserver.auth;

import dev.beluga.pki.X509Identity;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authenticates requests: a client certificate that the TLS layer verified against the cluster CA (CN = user,
 * O = groups, as Kubernetes does), or a bearer token — from the static token table, else accepted by one of the
 * {@link TokenAuthenticator}s (service-account JWTs). Returns null when neither is present or valid; the handler then
 * answers 401. A bearer token that is refused is not made up for by a client certificate, as upstream.
 *
 * <p>Threading: thread-safe; tokens and token authenticators may be added at any time.
 */
public final class Authenticator {
    private final Map<String, UserInfo> tokens = new ConcurrentHashMap<>();
    /**
     * Identities of the client certificates seen, by certificate: parsing a subject costs more than the rest of
     * authentication and authorization together, and clients present the same few certificates on every request.
     * Bounded: cleared when it grows past {@link #MAX_CACHED_CERTIFICATES} (a cluster has few client certificates).
     */
    private final Map<X509Certificate, UserInfo> certificateUsers = new ConcurrentHashMap<>();
    private static final int MAX_CACHED_CERTIFICATES = 4096;
    private final List<TokenAuthenticator> tokenAuthenticators = new java.util.concurrent.CopyOnWriteArrayList<>();

    public void addToken(String token, UserInfo user) {
        tokens.put(token, user);
    }

    /** Asks {@code a} about bearer tokens the static table does not know, after those added before. */
    public void addTokenAuthenticator(TokenAuthenticator a) {
        tokenAuthenticators.add(a);
    }

    public UserInfo authenticate(Request request) {
        String auth = request.getHeaders().get("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authenticateToken(auth.substring(7).trim(), List.of()).user();
        }
        Object data = request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        if (data instanceof EndPoint.SslSessionData ssl && ssl.peerCertificates() != null && ssl.peerCertificates().length > 0)
            return certificateUser(ssl.peerCertificates()[0]);
        return null;
    }

    /**
     * A bearer token alone, for one of {@code audiences} (empty: the API server's): the static table (any audience),
     * then the token authenticators in order; the last refusal's reason when none accepts it.
     */
    public TokenAuthenticator.Result authenticateToken(String token, List<String> audiences) {
        if (token.isEmpty()) return TokenAuthenticator.Result.refused("empty token");
        UserInfo u = tokens.get(token);
        if (u != null) return new TokenAuthenticator.Result(u, audiences, null);
        TokenAuthenticator.Result last = TokenAuthenticator.Result.refused("invalid bearer token");
        for (TokenAuthenticator a : tokenAuthenticators) {
            TokenAuthenticator.Result r = a.authenticate(token, audiences);
            if (r.authenticated()) return r;
            last = r;
        }
        return last;
    }

    private UserInfo certificateUser(X509Certificate cert) {
        UserInfo cached = certificateUsers.get(cert);
        if (cached != null) return cached;
        UserInfo user = fromCertificate(cert);
        if (user != null) {
            if (certificateUsers.size() >= MAX_CACHED_CERTIFICATES) certificateUsers.clear();
            certificateUsers.put(cert, user);
        }
        return user;
    }

    static UserInfo fromCertificate(X509Certificate cert) {
        try {
            X509Identity id = X509Identity.fromCertificate(cert);
            List<String> groups = new ArrayList<>(id.groups());
            groups.add("system:authenticated");
            return new UserInfo(id.user(), List.copyOf(groups));
        } catch (IllegalArgumentException e) {
            return null; // no common name: not a user certificate
        }
    }
}
