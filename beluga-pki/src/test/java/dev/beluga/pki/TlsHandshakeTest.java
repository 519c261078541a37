package dev.beluga.pki;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real TLS 1.3 handshakes over loopback between the JDK's server and client, with the cluster's certificates. */
class TlsHandshakeTest {
    private static final char[] PASSWORD = "pw".toCharArray();

    @TempDir
    Path dir;

    private ClusterPki pki;
    private IdentityEchoServer server;

    @BeforeEach
    void start() throws Exception {
        pki = ClusterPki.loadOrCreate(dir, List.of(), List.of());
        server = new IdentityEchoServer(TestSupport.context(pki.servingKeyStore(PASSWORD), PASSWORD, pki.trustStore()));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void httpsClientWithTheAdminCertificateIsAcceptedAndIdentified() throws Exception {
        SSLContext client = TestSupport.context(pki.admin().toKeyStore(PASSWORD), PASSWORD, pki.trustStore());
        HttpsURLConnection c = (HttpsURLConnection) URI.create("https://127.0.0.1:" + server.port() + "/whoami").toURL().openConnection();
        c.setSSLSocketFactory(client.getSocketFactory());
        c.setConnectTimeout(10_000);
        c.setReadTimeout(10_000);
        try (InputStream in = c.getInputStream()) {
            assertThat(c.getResponseCode()).isEqualTo(200);
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("ok admin [system:masters]");
        } finally {
            c.disconnect();
        }
        assertThat(server.nextOutcome().identity()).isEqualTo(new X509Identity("admin", List.of("system:masters")));
    }

    @Test
    void theServingCertificateMatchesLocalhostByName() throws Exception {
        SSLContext client = TestSupport.context(pki.admin().toKeyStore(PASSWORD), PASSWORD, pki.trustStore());
        assertThat(exchange(client, "localhost")).isEqualTo("ok admin [system:masters]");
        assertThat(server.nextOutcome().identity().user()).isEqualTo("admin");
        assertThat(exchange(client, "kubernetes.default.svc")).startsWith("ok admin");
        server.nextOutcome();

        assertThatThrownBy(() -> exchange(client, "elsewhere.example")).isInstanceOf(SSLHandshakeException.class);
        assertThat(server.nextOutcome().failure()).as("the client hung up on a name mismatch").isNotNull();
    }

    @Test
    void aClientCertificateFromAnotherCaIsRejected() throws Exception {
        CertificateAuthority other = CertificateAuthority.create();
        IssuedCertificate stranger = other.issueClient("admin", List.of("system:masters"), Duration.ofDays(1));
        SSLContext client = TestSupport.context(stranger.toKeyStore(PASSWORD), PASSWORD, pki.trustStore());

        assertThatThrownBy(() -> exchange(client, "localhost")).isInstanceOf(IOException.class);
        assertThat(server.nextOutcome().failure()).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void aClientWithoutCertificateIsRejected() throws Exception {
        SSLContext client = TestSupport.context(null, PASSWORD, pki.trustStore());
        assertThatThrownBy(() -> exchange(client, "localhost")).isInstanceOf(IOException.class);
        assertThat(server.nextOutcome().failure()).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void aClientThatDoesNotTrustTheClusterCaRejectsTheServer() throws Exception {
        CertificateAuthority other = CertificateAuthority.create();
        SSLContext client = TestSupport.context(pki.admin().toKeyStore(PASSWORD), PASSWORD,
            KeyStores.trustStore(List.of(other.certificate())));
        assertThatThrownBy(() -> exchange(client, "localhost")).isInstanceOf(SSLHandshakeException.class);
        assertThat(server.nextOutcome().failure()).isNotNull();
    }

    /**
     * Connects to the server's loopback port presenting {@code hostname} (SNI and HTTPS endpoint identification), sends
     * a request and returns the response body.
     */
    private String exchange(SSLContext client, String hostname) throws IOException {
        Socket plain = new Socket(InetAddress.getByName("127.0.0.1"), server.port());
        try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(plain, hostname, server.port(), true)) {
            s.setSoTimeout(10_000);
            SSLParameters params = s.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(params);
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + hostname + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!response.startsWith("HTTP/1.1 200")) throw new IOException("no response: \"" + response + "\"");
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }
}
