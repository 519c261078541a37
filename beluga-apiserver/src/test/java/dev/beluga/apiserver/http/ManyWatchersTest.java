package dev.beluga.apiserver.http;

import dev.beluga.apiserver.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Watches are long-running: 200 of them at once over HTTP/1.1 (one connection each, as separate kubelets and
 * proxies make) must all be served, must not starve ordinary requests, and must all see a change.
 */
class ManyWatchersTest {
    @TempDir
    Path dir;

    @Test
    void twoHundredWatchesOverHttp11AreAllServedAndOrdinaryRequestsStillAnswer() throws Exception {
        try (TestServer server = new TestServer(dir)) {
            SSLContext tls = server.tls(true);
            String base = "https://127.0.0.1:" + server.api.port();
            List<HttpClient> clients = new ArrayList<>();
            List<CompletableFuture<HttpResponse<Stream<String>>>> watches = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls).build();
                clients.add(c);
                watches.add(c.sendAsync(HttpRequest.newBuilder(URI.create(base + "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=60")).build(),
                    HttpResponse.BodyHandlers.ofLines()));
            }
            for (CompletableFuture<HttpResponse<Stream<String>>> w : watches) assertThat(w.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

            HttpClient c = clients.getFirst();
            HttpResponse<String> created = c.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/namespaces/default/configmaps"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"metadata\":{\"name\":\"seen-by-all\"}}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).isEqualTo(201);
            assertThat(c.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/namespaces")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(200);

            for (CompletableFuture<HttpResponse<Stream<String>>> w : watches) {
                try (Stream<String> lines = w.get().body()) {
                    assertThat(lines.findFirst()).hasValueSatisfying(l -> assertThat(l).contains("\"ADDED\"").contains("seen-by-all"));
                }
            }
            clients.forEach(HttpClient::shutdownNow);
        }
    }
}
