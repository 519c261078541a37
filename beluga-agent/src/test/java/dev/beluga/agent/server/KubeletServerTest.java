package dev.beluga.agent.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beluga.agent.stats.ResourceMetricsText;
import dev.beluga.agent.stats.SampleSummaries;
import dev.beluga.agent.stats.SummaryJson;
import dev.beluga.pki.CertificateAuthority;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The kubelet API over real HTTPS with a test CA: client certificates, logs, follows, errors. */
class KubeletServerTest {
    @TempDir
    Path dir;
    private final TestTls tls = new TestTls();
    private final Map<String, LogLocation> locations = new ConcurrentHashMap<>();
    private final AtomicBoolean statsFail = new AtomicBoolean();
    private KubeletServer server;
    private HttpClient client;

    @BeforeEach
    void start() throws Exception {
        server = new KubeletServer(new KubeletServer.Config("127.0.0.1", 0, tls.kubeletTls(), Duration.ofMillis(10), Duration.ofMillis(20)),
            (ns, pod, container, previous) -> {
                if (!ns.equals("default") || !(pod.equals("web") || pod.equals("other"))) return new LogLocation.PodNotFound();
                LogLocation l = locations.get(pod + "/" + container + (previous ? "/previous" : ""));
                return l == null ? new LogLocation.ContainerNotFound() : l;
            }).withMetrics(() -> "# TYPE beluga_test counter\nbeluga_test 1\n").withStats(() -> {
                if (statsFail.get()) throw new IllegalStateException("runtime unavailable");
                return SampleSummaries.sample();
            });
        server.start();
        client = client(tls.ca, HttpClient.Version.HTTP_2);
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) client.close();
        if (server != null) server.close();
    }

    private HttpClient client(CertificateAuthority issuer, HttpClient.Version version) throws Exception {
        SSLContext ctx = tls.client(issuer);
        return HttpClient.newBuilder().sslContext(ctx).version(version).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private HttpResponse<String> get(HttpClient c, String path) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private Path log(String name, String... lines) throws IOException {
        Path p = dir.resolve(name);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.length; i++) sb.append("2024-05-01T10:00:0").append(i).append("Z stdout F ").append(lines[i]).append('\n');
        Files.writeString(p, sb.toString(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return p;
    }

    @Test
    void healthzWithAClientCertificate() throws Exception {
        HttpResponse<String> r = get(client, "/healthz");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
    }

    @Test
    void withoutAClientCertificateEverythingIs401() throws Exception {
        locations.put("web/app", new LogLocation.Found(log("a.log", "secret"), () -> false));
        try (HttpClient anonymous = client(null, HttpClient.Version.HTTP_1_1)) {
            for (String path : new String[]{"/healthz", "/containerLogs/default/web/app", "/nope"}) {
                HttpResponse<String> r = get(anonymous, path);
                assertThat(r.statusCode()).as(path).isEqualTo(401);
                assertThat(r.body()).isEqualTo("Unauthorized");
            }
        }
    }

    @Test
    void servesMetricsInThePrometheusFormat() throws Exception {
        HttpResponse<String> r = get(client, "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("beluga_test 1");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(get(client, "/metrics/x").statusCode()).isEqualTo(404);
    }

    @Test
    void servesResourceMetricsAndTheSummary() throws Exception {
        HttpResponse<String> metrics = get(client, "/metrics/resource");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(metrics.body()).isEqualTo(ResourceMetricsText.format(SampleSummaries.sample()));
        HttpResponse<String> summary = get(client, "/stats/summary?only_cpu_and_memory=true");
        assertThat(summary.statusCode()).isEqualTo(200);
        assertThat(summary.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(new ObjectMapper().readTree(summary.body()))
            .isEqualTo(new ObjectMapper().readTree(SummaryJson.bytes(SampleSummaries.sample())));
        assertThat(get(client, "/metrics").body()).contains("beluga_test 1"); // the agent's own metrics stay
        for (String path : new String[]{"/stats", "/stats/", "/stats/summary/x", "/stats/container", "/metrics/cadvisor"})
            assertThat(get(client, path).statusCode()).as(path).isEqualTo(404);
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port()
            + "/stats/summary")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void unreadableUsageIsAScrapeErrorOrA500() throws Exception {
        statsFail.set(true);
        HttpResponse<String> metrics = get(client, "/metrics/resource");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).isEqualTo(ResourceMetricsText.failed());
        HttpResponse<String> summary = get(client, "/stats/summary");
        assertThat(summary.statusCode()).isEqualTo(500);
        assertThat(summary.body()).isEqualTo("Internal Error: failed to get summary stats: runtime unavailable");
    }

    @Test
    void withoutStatsTheUsagePathsAre404() throws Exception {
        try (KubeletServer plain = new KubeletServer(new KubeletServer.Config("127.0.0.1", 0, tls.kubeletTls()),
            (ns, pod, container, previous) -> new LogLocation.PodNotFound())) {
            plain.start();
            for (String path : new String[]{"/metrics/resource", "/stats/summary"}) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + plain.port()
                    + path)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(path).isEqualTo(404);
            }
        }
    }

    @Test
    void aCertificateOfAnotherCaFailsTheHandshake() throws Exception {
        CertificateAuthority stranger = CertificateAuthority.create("stranger", Duration.ofDays(1));
        try (HttpClient c = client(stranger, HttpClient.Version.HTTP_1_1)) {
            assertThatThrownBy(() -> get(c, "/healthz")).isInstanceOf(IOException.class);
        }
    }

    @Test
    void servesALogWithOptions() throws Exception {
        locations.put("web/app", new LogLocation.Found(log("app.log", "one", "two", "three"), () -> true));
        HttpResponse<String> all = get(client, "/containerLogs/default/web/app");
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.body()).isEqualTo("one\ntwo\nthree\n");
        assertThat(all.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(get(client, "/containerLogs/default/web/app?tailLines=2&timestamps=true").body())
            .isEqualTo("2024-05-01T10:00:01Z two\n2024-05-01T10:00:02Z three\n");
        assertThat(get(client, "/containerLogs/default/web/app?limitBytes=6").body()).isEqualTo("one\ntw");
        assertThat(get(client, "/containerLogs/default/web/app?sinceTime=2024-05-01T10:00:02Z").body()).isEqualTo("three\n");
        assertThat(get(client, "/containerLogs/default/web/app?tail=1").body()).isEqualTo("three\n");
    }

    @Test
    void previousInstance() throws Exception {
        locations.put("web/app", new LogLocation.Found(log("now.log", "now"), () -> true));
        locations.put("web/app/previous", new LogLocation.Found(log("before.log", "before"), () -> false));
        assertThat(get(client, "/containerLogs/default/web/app?previous=true").body()).isEqualTo("before\n");
        assertThat(get(client, "/containerLogs/default/web/app?previous=false").body()).isEqualTo("now\n");
    }

    @Test
    void errorsAsTheKubeletAnswersThem() throws Exception {
        locations.put("web/app", new LogLocation.Found(log("app.log", "x"), () -> true));
        locations.put("web/waiting", new LogLocation.Unavailable("container \"waiting\" in pod \"web\" is waiting to start: ContainerCreating"));
        locations.put("web/gone", new LogLocation.Found(dir.resolve("missing.log"), () -> false));
        expect("/containerLogs/default/nope/app", 404, "pod \"nope\" does not exist");
        expect("/containerLogs/default/web/nope", 404, "container \"nope\" not found in pod \"web\"");
        expect("/containerLogs/default/web/waiting", 400, "container \"waiting\" in pod \"web\" is waiting to start: ContainerCreating");
        expect("/containerLogs/default/web/app?tailLines=abc", 400, "{\"message\": \"Unable to decode query.\"}");
        expect("/containerLogs/default/web/app?tailLines=-5", 422, "{\"message\": \"Invalid request.\"}");
        expect("/containerLogs/default/web/app?sinceSeconds=5&sinceTime=2024-05-01T10:00:00Z", 422, "{\"message\": \"Invalid request.\"}");
        expect("/containerLogs/default/web", 404, "404 page not found");
        expect("/containerLogs/default/web/app/extra", 404, "404 page not found");
        expect("/exec/default/web/app", 404, "404 page not found");
        // the status is sent before the file is opened: the kubelet reports a missing file in a 200 body
        Path missing = dir.resolve("missing.log");
        expect("/containerLogs/default/web/gone", 200,
            "failed to try resolving symlinks in path \"" + missing + "\": lstat " + missing + ": no such file or directory");
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/containerLogs/default/web/app"))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    private void expect(String path, int status, String body) throws Exception {
        HttpResponse<String> r = get(client, path);
        assertThat(r.statusCode()).as(path).isEqualTo(status);
        assertThat(r.body()).as(path).isEqualTo(body);
    }

    @ParameterizedTest
    @EnumSource(value = HttpClient.Version.class)
    void followStreamsLinesAsTheyAreWrittenAndEndsWhenTheContainerStops(HttpClient.Version version) throws Exception {
        Path p = log("follow.log", "first");
        AtomicBoolean running = new AtomicBoolean(true);
        locations.put("web/app", new LogLocation.Found(p, running::get));
        try (HttpClient c = client(tls.ca, version)) {
            HttpResponse<InputStream> r = c.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port()
                + "/containerLogs/default/web/app?follow=true")).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(version);
            try (InputStream in = r.body()) {
                assertThat(readUntil(in, "first\n")).isEqualTo("first\n");
                Files.writeString(p, "2024-05-01T10:00:05Z stdout F second\n", StandardOpenOption.APPEND);
                assertThat(readUntil(in, "second\n")).isEqualTo("second\n");
                Files.writeString(p, "2024-05-01T10:00:06Z stderr F third\n", StandardOpenOption.APPEND);
                running.set(false);
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("third\n");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = HttpClient.Version.class)
    void aClientGoingAwayEndsTheFollowAndClosesTheFile(HttpClient.Version version) throws Exception {
        Path p = log("quiet.log", "hello");
        locations.put("other/app", new LogLocation.Found(p, () -> true)); // runs forever, writes nothing more
        try (HttpClient c = client(tls.ca, version)) {
            HttpResponse<InputStream> r = c.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port()
                + "/containerLogs/default/other/app?follow=1")).build(), HttpResponse.BodyHandlers.ofInputStream());
            InputStream in = r.body();
            assertThat(readUntil(in, "hello\n")).isEqualTo("hello\n");
            assertThat(openDescriptors(p)).isEqualTo(1);
            in.close();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (openDescriptors(p) > 0 && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(openDescriptors(p)).as("the server's reader closed the log file").isZero();
        }
    }

    @Test
    void closingTheServerEndsOpenFollows() throws Exception {
        Path p = log("forever.log", "hi");
        locations.put("web/app", new LogLocation.Found(p, () -> true));
        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port()
            + "/containerLogs/default/web/app?follow=true")).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(readUntil(r.body(), "hi\n")).isEqualTo("hi\n");
        server.close();
        server = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (openDescriptors(p) > 0 && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(openDescriptors(p)).isZero();
    }

    /** Reads until the bytes read end with {@code end}. */
    static String readUntil(InputStream in, String end) throws IOException {
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[1];
        while (!sb.toString().endsWith(end)) {
            int n = in.read(buf);
            if (n < 0) break;
            sb.append((char) buf[0]);
        }
        return sb.toString();
    }

    /** How many descriptors of this process are open on {@code file} (Linux /proc). */
    static long openDescriptors(Path file) throws IOException {
        Path real = file.toRealPath();
        long n = 0;
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).equals(real)) n++;
                } catch (IOException ignored) {
                    // closed meanwhile
                }
            }
        }
        return n;
    }
}
