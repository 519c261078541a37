package dev.beluga.agent.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Pushes the image of an OCI archive (the layout {@link OciArchive} writes: {@code index.json} and
 * {@code blobs/sha256/...}) to a registry over the OCI distribution API: each blob the registry lacks is uploaded in
 * one monolithic {@code POST} + {@code PUT ?digest=}, then the manifest is {@code PUT} under the tag. Plain HTTP or
 * HTTPS as the registry URL says; no authentication. Used by the tests that run a real registry, and by
 * {@code beluga images push}.
 */
public final class RegistryPush {
    private static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI registry;

    /** @param registry e.g. {@code http://127.0.0.1:5000} */
    public RegistryPush(URI registry) {
        this.registry = registry;
    }

    /** Pushes the archive's (first) image as {@code repository:tag}; returns the manifest digest. */
    public String push(Path archive, String repository, String tag) throws IOException, InterruptedException {
        Map<String, byte[]> blobs = new HashMap<>();
        byte[] index = null;
        try (InputStream in = Files.newInputStream(archive); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                if (!e.isFile()) continue;
                if (e.getName().startsWith("blobs/sha256/")) blobs.put("sha256:" + e.getName().substring("blobs/sha256/".length()), tar.readAllBytes());
                else if (e.getName().equals("index.json")) index = tar.readAllBytes();
            }
        }
        if (index == null) throw new IOException(archive + " is not an OCI archive (no index.json)");
        ObjectMapper json = new ObjectMapper();
        String manifestDigest = json.readTree(index).path("manifests").path(0).path("digest").asText();
        byte[] manifest = blobs.get(manifestDigest);
        if (manifest == null) throw new IOException(archive + " lacks its manifest " + manifestDigest);
        JsonNode m = json.readTree(manifest);
        upload(repository, m.path("config").path("digest").asText(), blobs);
        for (JsonNode layer : m.path("layers")) upload(repository, layer.path("digest").asText(), blobs);
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(registry.resolve("/v2/" + repository + "/manifests/" + tag))
            .header("Content-Type", MANIFEST_TYPE).PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 201) throw new IOException("manifest PUT: " + put.statusCode() + " " + put.body());
        return manifestDigest;
    }

    private void upload(String repository, String digest, Map<String, byte[]> blobs) throws IOException, InterruptedException {
        byte[] blob = blobs.get(digest);
        if (blob == null) throw new IOException("blob " + digest + " missing from the archive");
        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(registry.resolve("/v2/" + repository + "/blobs/" + digest))
            .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        if (head.statusCode() == 200) return;
        HttpResponse<String> start = http.send(HttpRequest.newBuilder(registry.resolve("/v2/" + repository + "/blobs/uploads/"))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        String location = start.headers().firstValue("Location").orElse(null);
        if (start.statusCode() != 202 || location == null) throw new IOException("blob upload start: " + start.statusCode() + " " + start.body());
        URI target = registry.resolve(location);
        String sep = target.getQuery() == null ? "?" : "&";
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(target + sep + "digest=" + digest))
            .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(blob)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 201) throw new IOException("blob " + digest + " PUT: " + put.statusCode() + " " + put.body());
    }
}
