package dev.beluga.cli;

import dev.beluga.cli.args.CliCommand;
import dev.beluga.cli.args.CliRunner;
import dev.beluga.cli.bench.AdminClient;

import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code beluga train} (hidden): a training run for the JVM's ahead-of-time cache. It starts a server in a temporary
 * data directory on a free loopback port, sends it the requests a cluster sees every day (discovery, creates, lists,
 * tables, patches of every type, a watch, deletes), then stops and deletes everything. The {@code beluga} launcher runs
 * it once per build with {@code -XX:AOTCacheOutput}, so that later starts load and link classes from the cache and
 * start with method profiles (JEP 483, 515). Only loopback traffic; bounded in count.
 */
final class TrainCommand implements CliCommand {
    static final String DESCRIPTION = "Training run for the JVM ahead-of-time cache (used by the launcher).";

    private static final int PODS = 400;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("beluga-train-");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // the server's command line is parsed as `beluga server ...` parses it, so that the parser's work for it is trained too
        ServerCommand server = new ServerCommand();
        CliRunner.bind(server, "--data-dir", dir.resolve("data").toString(), "--bind-address", "127.0.0.1", "--https-port",
            Integer.toString(port), "--disable-agent");
        try (ServerCommand.Running r = server.start()) {
            exercise(new AdminClient(r.dataDir(), r.api().port(), HttpClient.Version.HTTP_2));
            exercise(new AdminClient(r.dataDir(), r.api().port(), HttpClient.Version.HTTP_1_1));
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        return 0;
    }

    private static void exercise(AdminClient c) throws Exception {
        for (String path : List.of("/version", "/api", "/apis", "/api/v1", "/apis/apps/v1", "/openapi/v3", "/openapi/v3/api/v1",
            "/openapi/v2", "/readyz", "/metrics")) c.send("GET", path, null);
        String ns = "train-" + System.nanoTime();
        c.send("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + ns + "\"}}");
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int first = t;
            writers.add(Thread.ofVirtual().start(() -> {
                for (int i = first; i < PODS; i += 8) {
                    try {
                        c.send("POST", "/api/v1/namespaces/" + ns + "/pods", pod("p-" + i));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }));
        }
        for (Thread t : writers) t.join();
        c.send("POST", "/api/v1/namespaces/" + ns + "/configmaps", "{\"metadata\":{\"name\":\"cm\"},\"data\":{\"a\":\"b\"}}");
        c.send("POST", "/api/v1/namespaces/" + ns + "/services", "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"selector\":{\"app\":\"web\"},"
            + "\"ports\":[{\"port\":80}]}}");
        c.send("POST", "/apis/apps/v1/namespaces/" + ns + "/deployments", "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"replicas\":2,"
            + "\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},"
            + "\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.27\"}]}}}}");
        for (int i = 0; i < 5; i++) {
            c.send("GET", "/api/v1/namespaces/" + ns + "/pods", null);
            c.send("GET", "/api/v1/pods?labelSelector=app%3Dtrain&limit=100", null);
            send(c, "GET", "/api/v1/namespaces/" + ns + "/pods", null, "application/json;as=Table;v=v1;g=meta.k8s.io,application/json", null);
            send(c, "GET", "/api/v1/namespaces/" + ns + "/pods/p-1", null, "application/yaml", null);
        }
        String pods = "/api/v1/namespaces/" + ns + "/pods/";
        for (int i = 0; i < 50; i++) {
            send(c, "PATCH", pods + "p-" + i, "{\"metadata\":{\"labels\":{\"n\":\"" + i + "\"}}}", null, "application/merge-patch+json");
            send(c, "PATCH", pods + "p-" + i, "{\"metadata\":{\"annotations\":{\"n\":\"" + i + "\"}}}", null,
                "application/strategic-merge-patch+json");
            send(c, "PATCH", pods + "p-" + i, "[{\"op\":\"add\",\"path\":\"/metadata/labels/j\",\"value\":\"x\"}]", null,
                "application/json-patch+json");
        }
        send(c, "PATCH", "/api/v1/namespaces/" + ns + "/configmaps/cm?fieldManager=train&force=true",
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\"},\"data\":{\"a\":\"c\"}}", null,
            "application/apply-patch+yaml");
        c.send("GET", "/api/v1/namespaces/" + ns + "/pods?watch=true&resourceVersion=0&timeoutSeconds=1", null);
        for (int i = 0; i < PODS; i += 2) c.send("DELETE", pods + "p-" + i, "{\"gracePeriodSeconds\":0}");
        c.send("DELETE", "/api/v1/namespaces/" + ns + "/pods", null);
    }

    private static void send(AdminClient c, String method, String path, String body, String accept, String contentType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(c.base.resolve(path)).header("Accept", accept == null ? "application/json" : accept)
            .header("Content-Type", contentType == null ? "application/json" : contentType)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        c.http.send(b.build(), HttpResponse.BodyHandlers.discarding());
    }

    private static String pod(String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":{\"app\":\"train\"}},"
            + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox:1.36\",\"ports\":[{\"containerPort\":80}],"
            + "\"resources\":{\"requests\":{\"cpu\":\"10m\",\"memory\":\"16Mi\"}}}]}}";
    }
}
