package dev.beluga.agent.images;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The node's built-in registry on loopback, serving the real busybox image (built from the host's busybox-static). */
class BuiltinRegistryTest {
    @TempDir
    Path cache;

    @BeforeAll
    static void requireHostTools() throws Exception {
        List<String> missing = BuiltinImages.missingHostTools();
        assumeTrue(missing.isEmpty(), "BuiltinRegistryTest needs the build tools: " + missing);
    }

    @Test
    void servesManifestsByTagAndDigestAndBlobsAsTheArchiveHoldsThem() throws Exception {
        BuiltImage busybox = new BuiltinImages(cache).busybox();
        TarEntries oci = TarEntries.read(Files.readAllBytes(busybox.archive()));
        byte[] manifest = oci.bytes("blobs/sha256/" + Sha256.hex(busybox.manifestDigest()));
        String layer = Json.read(manifest).get("layers").get(0).get("digest").asText();
        byte[] layerBytes = oci.bytes("blobs/sha256/" + Sha256.hex(layer));
        try (BuiltinRegistry registry = BuiltinRegistry.start(List.of(busybox)); HttpClient http = HttpClient.newHttpClient()) {
            String base = "http://127.0.0.1:" + registry.port() + "/v2/";
            assertThat(get(http, base, "GET").statusCode()).isEqualTo(200);

            HttpResponse<byte[]> byTag = get(http, base + "library/busybox/manifests/1.35", "GET");
            assertThat(byTag.statusCode()).isEqualTo(200);
            assertThat(byTag.body()).isEqualTo(manifest);
            assertThat(byTag.headers().firstValue("Docker-Content-Digest")).hasValue(busybox.manifestDigest());
            assertThat(byTag.headers().firstValue("Content-Type")).hasValue("application/vnd.oci.image.manifest.v1+json");
            assertThat(get(http, base + "library/busybox/manifests/" + busybox.manifestDigest(), "GET").body()).isEqualTo(manifest);

            HttpResponse<byte[]> blob = get(http, base + "library/busybox/blobs/" + layer, "GET");
            assertThat(blob.statusCode()).isEqualTo(200);
            assertThat(blob.body()).isEqualTo(layerBytes);
            assertThat(Sha256.of(blob.body())).isEqualTo(layer);

            HttpResponse<byte[]> head = get(http, base + "library/busybox/blobs/" + layer, "HEAD");
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValue("Content-Length")).hasValue(Integer.toString(layerBytes.length));
            assertThat(head.body()).isEmpty();

            assertThat(get(http, base + "library/busybox/manifests/9.99", "GET").statusCode()).isEqualTo(404);
            assertThat(get(http, base + "library/busybox/blobs/sha256:" + "0".repeat(64), "GET").statusCode()).isEqualTo(404);
        }
    }

    private static HttpResponse<byte[]> get(HttpClient http, String uri, String method) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    }
}
