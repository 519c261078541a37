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
 * O = groups, as Kubernetes does), or a bearer token from the token table. Returns null when neither is present or
 * valid; the handler then answers 401.
 *
 * <p>Threading: thread-safe; tokens may be added at any time.
 */
public final class Authenticator {
    private final Map<String, UserInfo> tokens = new ConcurrentHashMap<>();

    public void addToken(String token, UserInfo user) {
        tokens.put(token, user);
    }

    public UserInfo authenticate(Request request) {
        String auth = request.getHeaders().get("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            UserInfo u = tokens.get(auth.substring(7).trim());
            if (u != null) return u;
            return null;
        }
        Object data = request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        if (data instanceof EndPoint.SslSessionData ssl && ssl.peerCertificates() != null && ssl.peerCertificates().length > 0)
            return fromCertificate(ssl.peerCertificates()[0]);
        return null;
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
