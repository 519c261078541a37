package dev.beluga.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beluga.apiserver.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API server's TLS layer: AES-128-GCM preferred, and responses larger than one TLS record (which leave in writes of
 * several records, {@link MultiRecordSslConnectionFactory}) arrive whole over HTTP/1.1 and HTTP/2, lists and watches.
 */
class ServerTlsTest {
    @TempDir
    Path dir;

    @Test
    void aes128GcmSuitesComeBeforeTheirAes256Twins() {
        String[] ordered = Aes128FirstSslContextFactory.preferAes128(new String[] {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
            "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"});
        assertThat(ordered).containsExactly("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
    }

    @Test
    void aClientOfferingAes256FirstGetsAes128AndLargeAnswersArriveWhole() throws Exception {
        try (TestServer server = new TestServer(dir)) {
            SSLContext tls = server.tls(true);
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", server.api.port())) {
                socket.setEnabledProtocols(new String[] {"TLSv1.3"});
                socket.startHandshake();
                assertThat(socket.getSession().getCipherSuite()).isEqualTo("TLS_AES_128_GCM_SHA256");
            }
            String base = "https://127.0.0.1:" + server.api.port();
            String filler = "x".repeat(3000);
            HttpClient h2 = HttpClient.newBuilder().sslContext(tls).build();
            for (int i = 0; i < 60; i++) {
                HttpResponse<String> r = h2.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/namespaces/default/configmaps"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"metadata\":{\"name\":\"big-" + i + "\"},\"data\":{\"v\":\"" + filler + "\"}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(201);
            }
            ObjectMapper json = new ObjectMapper();
            HttpClient h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls).build();
            for (HttpClient c : List.of(h1, h2)) {
                HttpResponse<String> list = c.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/namespaces/default/configmaps")).build(),
                    HttpResponse.BodyHandlers.ofString());
                assertThat(list.statusCode()).isEqualTo(200);
                JsonNode items = json.readTree(list.body()).get("items");
                assertThat(items).hasSize(60);
                items.forEach(item -> assertThat(item.path("data").path("v").asText()).isEqualTo(filler));
            }
            // a watch from the start: sixty ADDED events (~190 KB) leave in batches of several records
            HttpResponse<Stream<String>> watch = h1.send(HttpRequest.newBuilder(
                URI.create(base + "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0&timeoutSeconds=30")).build(),
                HttpResponse.BodyHandlers.ofLines());
            assertThat(watch.statusCode()).isEqualTo(200);
            try (Stream<String> lines = watch.body()) {
                List<JsonNode> events = lines.limit(60).map(l -> {
                    try {
                        return json.readTree(l);
                    } catch (Exception e) {
                        throw new AssertionError("not one JSON event per line: " + l.length() + " chars", e);
                    }
                }).toList();
                assertThat(events).hasSize(60).allSatisfy(e -> {
                    assertThat(e.path("type").asText()).isEqualTo("ADDED");
                    assertThat(e.path("object").path("data").path("v").asText()).isEqualTo(filler);
                });
            }
            h1.shutdownNow();
            h2.shutdownNow();
        }
    }
}
