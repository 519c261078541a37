package dev.beluga.cli.bench;

import dev.beluga.pki.Pem;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/** An HTTPS client authenticated with the admin certificate of a data directory ({@code DIR/tls}), for benchmarks. */
public final class AdminClient {
    public final HttpClient http;
    public final URI base;
    /** The TLS context with the admin certificate, for clients other than {@link #http}. */
    public final SSLContext tls;

    public AdminClient(Path dataDir, int port, HttpClient.Version version) throws IOException, GeneralSecurityException {
        Path tls = dataDir.resolve("tls");
        List<X509Certificate> chain = Pem.certificates(Files.readString(tls.resolve("admin.crt")));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("admin", Pem.privateKey(Files.readString(tls.resolve("admin.key"))), new char[0], chain.toArray(Certificate[]::new));
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", Pem.certificates(Files.readString(tls.resolve("ca.crt"))).getFirst());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        this.tls = ctx;
        http = HttpClient.newBuilder().sslContext(ctx).version(version).connectTimeout(Duration.ofSeconds(5)).build();
        base = URI.create("https://127.0.0.1:" + port);
    }

    public HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json").header("Accept", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
