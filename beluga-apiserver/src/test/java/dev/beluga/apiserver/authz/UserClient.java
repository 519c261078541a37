package dev.beluga.apiserver.authz;

import dev.beluga.apiserver.testing.TestServer;
import dev.beluga.pki.IssuedCertificate;
import dev.beluga.pki.KeyStores;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** HTTPS requests to a test API server with a client certificate of its CA (CN = user, O = groups). */
final class UserClient {
    record Answer(int code, String body) {
    }

    private final HttpClient http;
    private final String base;

    UserClient(TestServer server, String user, String... groups) throws Exception {
        this(server, server.pki.ca().issueClient(user, List.of(groups), Duration.ofHours(1)));
    }

    UserClient(TestServer server, IssuedCertificate cert) throws Exception {
        char[] pw = "pw".toCharArray();
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(cert.toKeyStore(pw), pw);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(KeyStores.trustStore(List.of(server.pki.caCertificate())));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        http = HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        base = server.url();
    }

    /** A request; {@code headers} are name, value pairs. */
    Answer send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        boolean typed = false;
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
            typed |= headers[i].equalsIgnoreCase("Content-Type");
        }
        if (body != null && !typed) b.header("Content-Type", method.equals("PATCH") ? "application/merge-patch+json" : "application/json");
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    Answer get(String path, String... headers) throws Exception {
        return send("GET", path, null, headers);
    }

    Answer post(String path, String body, String... headers) throws Exception {
        return send("POST", path, body, headers);
    }

    /** Repeats a GET until it answers {@code code} (authorization caches follow the store within moments). */
    Answer awaitCode(int code, String path, String... headers) throws Exception {
        Answer a = get(path, headers);
        for (int i = 0; i < 100 && a.code() != code; i++) {
            Thread.sleep(50);
            a = get(path, headers);
        }
        return a;
    }
}
