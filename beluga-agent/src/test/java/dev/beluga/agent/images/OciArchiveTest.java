package dev.beluga.agent.images;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OciArchiveTest {
    private static final List<String> NAMES = List.of("docker.io/library/busybox:1.35", "docker.io/library/busybox:latest");

    private static OciArchive sample() {
        Layer layer = Layer.of(List.of(
                RootfsEntry.file("bin/busybox", 0755, "not really busybox".getBytes(StandardCharsets.US_ASCII)),
                RootfsEntry.symlink("bin/sh", "busybox"),
                RootfsEntry.directory("tmp", 01777)));
        ImageConfig config = ImageConfig.linuxAmd64(List.of(), List.of("sh"), List.of(ImageConfig.PATH_ENV));
        return new OciArchive(NAMES, config, layer);
    }

    private static byte[] bytes(OciArchive archive) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        archive.writeTo(out);
        return out.toByteArray();
    }

    @Test
    void layoutHasSortedEntriesAndBlobsNamedByTheirDigests() throws Exception {
        TarEntries tar = TarEntries.read(bytes(sample()));
        assertThat(tar.names()).hasSize(7);
        assertThat(tar.names().subList(0, 2)).containsExactly("blobs/", "blobs/sha256/");
        assertThat(tar.names().subList(5, 7)).containsExactly("index.json", "oci-layout");
        assertThat(tar.names()).isSorted();
        for (TarArchiveEntry e : tar.entries()) {
            assertThat(e.getLastModifiedTime().toMillis()).as(e.getName()).isZero();
            assertThat(e.getLongUserId()).isZero();
            assertThat(e.getLongGroupId()).isZero();
            if (e.getName().startsWith("blobs/sha256/") && e.isFile()) {
                assertThat(Sha256.of(tar.bytes(e.getName())))
                        .isEqualTo("sha256:" + e.getName().substring("blobs/sha256/".length()));
            }
        }
        assertThat(Json.read(tar.bytes("oci-layout")).get("imageLayoutVersion").asText()).isEqualTo("1.0.0");
    }

    @Test
    void indexManifestAndConfigDescribeTheBlobs() throws Exception {
        OciArchive archive = sample();
        TarEntries tar = TarEntries.read(bytes(archive));

        JsonNode index = Json.read(tar.bytes("index.json"));
        assertThat(index.get("schemaVersion").asInt()).isEqualTo(2);
        assertThat(index.get("mediaType").asText()).isEqualTo(OciArchive.INDEX_MEDIA_TYPE);
        JsonNode manifests = index.get("manifests");
        assertThat(manifests).hasSize(2);
        List<String> containerdNames = new ArrayList<>();
        List<String> refNames = new ArrayList<>();
        for (JsonNode d : manifests) {
            assertThat(d.get("mediaType").asText()).isEqualTo(OciArchive.MANIFEST_MEDIA_TYPE);
            assertThat(d.get("digest").asText()).isEqualTo(archive.manifestDigest());
            assertThat(d.get("platform").get("os").asText()).isEqualTo("linux");
            assertThat(d.get("platform").get("architecture").asText()).isEqualTo("amd64");
            containerdNames.add(d.get("annotations").get(OciArchive.CONTAINERD_NAME_ANNOTATION).asText());
            refNames.add(d.get("annotations").get(OciArchive.REF_NAME_ANNOTATION).asText());
            byte[] manifestBlob = blob(tar, d);
            assertThat(d.get("size").asLong()).isEqualTo(manifestBlob.length);
        }
        assertThat(containerdNames).isEqualTo(NAMES).isEqualTo(archive.names());
        assertThat(refNames).containsExactly("1.35", "latest");

        JsonNode manifest = Json.read(blob(tar, manifests.get(0)));
        assertThat(manifest.get("schemaVersion").asInt()).isEqualTo(2);
        assertThat(manifest.get("mediaType").asText()).isEqualTo(OciArchive.MANIFEST_MEDIA_TYPE);
        JsonNode configDescriptor = manifest.get("config");
        assertThat(configDescriptor.get("mediaType").asText()).isEqualTo(ImageConfig.MEDIA_TYPE);
        assertThat(configDescriptor.get("digest").asText()).isEqualTo(archive.configDigest());
        byte[] configBlob = blob(tar, configDescriptor);
        assertThat(configDescriptor.get("size").asLong()).isEqualTo(configBlob.length);
        assertThat(manifest.get("layers")).hasSize(1);
        JsonNode layerDescriptor = manifest.get("layers").get(0);
        assertThat(layerDescriptor.get("mediaType").asText()).isEqualTo(Layer.MEDIA_TYPE);
        byte[] layerBlob = blob(tar, layerDescriptor);
        assertThat(layerDescriptor.get("size").asLong()).isEqualTo(layerBlob.length);

        JsonNode config = Json.read(configBlob);
        assertThat(config.get("os").asText()).isEqualTo("linux");
        assertThat(config.get("architecture").asText()).isEqualTo("amd64");
        assertThat(config.get("config").get("Cmd").toString()).isEqualTo("[\"sh\"]");
        assertThat(config.get("config").get("Env").toString()).isEqualTo("[\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\"]");
        assertThat(config.get("config").has("Entrypoint")).isFalse();
        assertThat(config.get("rootfs").get("type").asText()).isEqualTo("layers");
        assertThat(config.get("rootfs").get("diff_ids")).hasSize(1);
        assertThat(config.get("rootfs").get("diff_ids").get(0).asText())
                .isEqualTo(Sha256.of(TarEntries.readGzipRaw(layerBlob)));
        assertThat(TarEntries.readGzip(layerBlob).names()).containsExactly("bin/", "bin/busybox", "bin/sh", "tmp/");
    }

    private static byte[] blob(TarEntries tar, JsonNode descriptor) {
        return tar.bytes("blobs/sha256/" + Sha256.hex(descriptor.get("digest").asText()));
    }

    @Test
    void sameInputsGiveByteIdenticalArchivesInMemoryAndOnDisk(@TempDir Path dir) throws Exception {
        byte[] first = bytes(sample());
        byte[] second = bytes(sample());
        assertThat(second).isEqualTo(first);

        Path file = dir.resolve("sub/busybox.tar");
        sample().writeTo(file);
        assertThat(Files.readAllBytes(file)).isEqualTo(first);
        sample().writeTo(file); // replaces atomically, leaves no temporary file
        assertThat(Files.readAllBytes(file)).isEqualTo(first);
        try (var files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("busybox.tar");
        }
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
    }

    @Test
    void differentNamesOrConfigGiveDifferentArchivesButTheSameLayer() throws Exception {
        OciArchive base = sample();
        Layer layer = Layer.of(List.of(RootfsEntry.directory("tmp", 01777)));
        OciArchive a = new OciArchive(List.of("docker.io/library/x:1"), ImageConfig.linuxAmd64(List.of(), List.of("sh"),
                List.of()), layer);
        OciArchive b = new OciArchive(List.of("docker.io/library/x:2"), ImageConfig.linuxAmd64(List.of(), List.of("sh"),
                List.of()), layer);
        OciArchive c = new OciArchive(List.of("docker.io/library/x:1"), ImageConfig.linuxAmd64(List.of("/pause"),
                List.of(), List.of()), layer);
        assertThat(b.configDigest()).as("names are not in the config").isEqualTo(a.configDigest());
        assertThat(bytes(b)).isNotEqualTo(bytes(a));
        assertThat(c.configDigest()).isNotEqualTo(a.configDigest());
        assertThat(base.toString()).contains("busybox:1.35");
    }

    @Test
    void rejectsMissingRepeatedOrPartialNames() {
        Layer layer = Layer.of(List.of(RootfsEntry.directory("tmp", 01777)));
        ImageConfig config = ImageConfig.linuxAmd64(List.of(), List.of("sh"), List.of());
        assertThatThrownBy(() -> new OciArchive(List.of(), config, layer)).hasMessageContaining("at least one name");
        assertThatThrownBy(() -> new OciArchive(List.of("docker.io/a/b:1", "docker.io/a/b:1"), config, layer))
                .hasMessageContaining("repeated");
        assertThatThrownBy(() -> new OciArchive(List.of("busybox:1.35"), config, layer))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OciArchive(List.of("docker.io/library/busybox"), config, layer))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
