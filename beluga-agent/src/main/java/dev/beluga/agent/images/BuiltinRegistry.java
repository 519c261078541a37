package dev.beluga.agent.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * A read-only OCI distribution endpoint on 127.0.0.1 serving the built-in images from their archives, registered with
 * containerd as a mirror of docker.io ({@code certs.d/docker.io/hosts.toml}, tried before the real registry), so that
 * a pull of {@code busybox:latest} — which {@code imagePullPolicy: Always} does on every start — succeeds on a node
 * without network, as it would against a registry. Serves {@code GET/HEAD /v2/}, {@code /v2/<name>/manifests/<tag or
 * digest>} and {@code /v2/<name>/blobs/<digest>}; anything else is 404, so containerd goes on to the next host.
 * Runs on the JDK's built-in HTTP server with virtual threads. Blobs are not kept in memory: each is read from its
 * archive (where the tar entry's data lies) when it is asked for, so the archives must stay in place while this runs.
 * Thread-safe; {@link #close()} stops it.
 */
public final class BuiltinRegistry implements AutoCloseable {
    private static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";

    private final Map<String, Blob> blobs = new ConcurrentHashMap<>();        // "sha256:..." -> where its content is
    private final Map<String, String> manifests = new ConcurrentHashMap<>();  // "library/busybox:latest" -> digest
    private final HttpServer server;

    /** A blob's content: {@code size} bytes at {@code offset} of {@code archive}. */
    private record Blob(Path archive, long offset, long size) {
        /** Copies the content to {@code out}. */
        void copyTo(OutputStream out) throws IOException {
            try (FileChannel file = FileChannel.open(archive); WritableByteChannel to = Channels.newChannel(out)) {
                for (long done = 0; done < size; ) {
                    long n = file.transferTo(offset + done, size - done, to);
                    if (n <= 0) throw new IOException(archive + " is shorter than when it was loaded");
                    done += n;
                }
            }
        }
    }

    private BuiltinRegistry(HttpServer server) {
        this.server = server;
    }

    /** Starts on 127.0.0.1 (any free port) serving the images of these archives. */
    public static BuiltinRegistry start(List<BuiltImage> images) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        BuiltinRegistry r = new BuiltinRegistry(http);
        for (BuiltImage image : images) r.load(image);
        http.createContext("/v2/", r::handle);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.start();
        return r;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void load(BuiltImage image) throws IOException {
        byte[] index = null;
        try (TarFile tar = new TarFile(image.archive())) {
            for (TarArchiveEntry e : tar.getEntries()) {
                if (!e.isFile()) continue;
                if (e.getName().startsWith("blobs/sha256/"))
                    blobs.put("sha256:" + e.getName().substring("blobs/sha256/".length()), new Blob(image.archive(), e.getDataOffset(), e.getSize()));
                else if (e.getName().equals("index.json")) {
                    try (InputStream in = tar.getInputStream(e)) {
                        index = in.readAllBytes();
                    }
                }
            }
        }
        if (index == null) throw new IOException(image.archive() + " has no index.json");
        for (JsonNode d : new ObjectMapper().readTree(index).path("manifests")) {
            String name = d.path("annotations").path("io.containerd.image.name").asText("");
            String repoTag = name.startsWith("docker.io/") ? name.substring("docker.io/".length()) : name;
            if (!repoTag.isEmpty()) manifests.put(repoTag, d.path("digest").asText());
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            boolean head = "HEAD".equals(ex.getRequestMethod());
            if (!head && !"GET".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            if (path.equals("/v2/")) {
                send(ex, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8), null, head);
                return;
            }
            int m = path.indexOf("/manifests/");
            int b = path.indexOf("/blobs/");
            if (m > 0) {
                String repo = path.substring(4, m);
                String ref = path.substring(m + "/manifests/".length());
                String digest = ref.startsWith("sha256:") ? ref : manifests.get(repo + ":" + ref);
                Blob blob = digest == null ? null : blobs.get(digest);
                if (blob != null) {
                    send(ex, MANIFEST_TYPE, blob, digest, head);
                    return;
                }
            } else if (b > 0) {
                String digest = path.substring(b + "/blobs/".length());
                Blob blob = blobs.get(digest);
                if (blob != null) {
                    send(ex, "application/octet-stream", blob, digest, head);
                    return;
                }
            }
            send(ex, 404, "application/json", "{\"errors\":[{\"code\":\"NAME_UNKNOWN\"}]}".getBytes(StandardCharsets.UTF_8), null, head);
        }
    }

    private static void send(HttpExchange ex, String type, Blob blob, String digest, boolean head) throws IOException {
        headers(ex, type, digest);
        if (head) {
            ex.getResponseHeaders().set("Content-Length", Long.toString(blob.size()));
            ex.sendResponseHeaders(200, -1);
            return;
        }
        ex.sendResponseHeaders(200, blob.size() == 0 ? -1 : blob.size());
        try (OutputStream out = ex.getResponseBody()) {
            blob.copyTo(out);
        }
    }

    private static void headers(HttpExchange ex, String type, String digest) {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Docker-Distribution-API-Version", "registry/2.0");
        if (digest != null) ex.getResponseHeaders().set("Docker-Content-Digest", digest);
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body, String digest, boolean head) throws IOException {
        headers(ex, type, digest);
        if (head) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
