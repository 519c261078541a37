package dev.beluga.agent.images;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Builds the real built-in images from the host's gcc and busybox-static (no root needed). Skipped, with the reason,
 * when those packages are missing; scripts/install-deps installs them.
 */
class BuiltinImagesTest {
    @TempDir
    Path cache;

    @BeforeAll
    static void requireHostTools() throws Exception {
        List<String> missing = BuiltinImages.missingHostTools();
        assumeTrue(missing.isEmpty(), "BuiltinImagesTest needs the build tools: " + missing);
    }

    @Test
    void pauseImageHoldsOneStaticExecutableAndRunsIt() throws Exception {
        BuiltImage pause = new BuiltinImages(cache).pause();
        assertThat(pause.names()).containsExactly(BuiltinImages.PAUSE_IMAGE);
        assertThat(pause.archive()).isEqualTo(cache.resolve("pause.tar"));
        assertThat(pause.reused()).isFalse();

        TarEntries oci = TarEntries.read(Files.readAllBytes(pause.archive()));
        JsonNode manifest = Json.read(oci.bytes("blobs/sha256/" + Sha256.hex(pause.manifestDigest())));
        JsonNode config = Json.read(oci.bytes("blobs/sha256/" + Sha256.hex(pause.imageId())));
        assertThat(config.get("config").get("Entrypoint").toString()).isEqualTo("[\"/pause\"]");
        assertThat(config.get("architecture").asText()).isEqualTo("amd64");
        TarEntries rootfs = TarEntries.readGzip(oci.bytes("blobs/sha256/"
                + Sha256.hex(manifest.get("layers").get(0).get("digest").asText())));
        assertThat(rootfs.names()).containsExactly("pause");
        assertThat(rootfs.entry("pause").getMode()).isEqualTo(0755);
        byte[] binary = rootfs.bytes("pause");
        assertThat(ElfExecutable.inspect(binary, "pause").dynamic()).isFalse();
        assertThat(binary.length).as("static, stripped, -Os").isBetween(100_000, 2_000_000);
    }

    @Test
    void busyboxImageHasTheAppletsUsersAndDirectories() throws Exception {
        BuiltImage busybox = new BuiltinImages(cache).busybox();
        assertThat(busybox.names()).containsExactly("docker.io/library/busybox:1.35", "docker.io/library/busybox:latest");
        assertThat(busybox.archive()).isEqualTo(cache.resolve("busybox.tar"));

        TarEntries oci = TarEntries.read(Files.readAllBytes(busybox.archive()));
        JsonNode config = Json.read(oci.bytes("blobs/sha256/" + Sha256.hex(busybox.imageId())));
        assertThat(config.get("config").get("Cmd").toString()).isEqualTo("[\"sh\"]");
        assertThat(config.get("config").get("Env").toString()).isEqualTo("[\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\"]");
        assertThat(config.get("os").asText()).isEqualTo("linux");
        assertThat(config.get("architecture").asText()).isEqualTo("amd64");

        JsonNode manifest = Json.read(oci.bytes("blobs/sha256/" + Sha256.hex(busybox.manifestDigest())));
        TarEntries rootfs = TarEntries.readGzip(oci.bytes("blobs/sha256/"
                + Sha256.hex(manifest.get("layers").get(0).get("digest").asText())));
        assertThat(rootfs.bytes("bin/busybox")).isEqualTo(Files.readAllBytes(Path.of("/bin/busybox")));
        assertThat(rootfs.entry("bin/busybox").getMode()).isEqualTo(0755);
        List<String> applets = HostBusybox.read(Path.of("/bin/busybox")).applets();
        assertThat(applets).contains("sh", "echo", "ls", "wget", "httpd").doesNotContain("busybox");
        for (String applet : applets) {
            assertThat(rootfs.entry("bin/" + applet).isSymbolicLink()).as(applet).isTrue();
            assertThat(rootfs.entry("bin/" + applet).getLinkName()).isEqualTo("busybox");
        }
        assertThat(new String(rootfs.bytes("etc/passwd"), StandardCharsets.US_ASCII))
                .startsWith("root:x:0:0:root:/root:/bin/sh\n").contains("\nnobody:x:65534:65534:");
        assertThat(new String(rootfs.bytes("etc/group"), StandardCharsets.US_ASCII))
                .contains("root:x:0:", "nobody:x:65534:");
        assertThat(rootfs.entry("tmp/").getMode()).isEqualTo(01777);
        assertThat(rootfs.entry("root/").getMode()).isEqualTo(0700);
        assertThat(rootfs.entry("var/").isDirectory()).isTrue();
        // busybox, its applets, etc/ + 2 files, bin/, root/, tmp/, var/
        assertThat(rootfs.names()).hasSize(1 + applets.size() + 3 + 4);
    }

    @Test
    void cachedArchivesAreReusedAndRebuildsAreByteIdentical() throws Exception {
        BuiltinImages images = new BuiltinImages(cache);
        List<BuiltImage> first = images.all();
        byte[] pauseBytes = Files.readAllBytes(cache.resolve("pause.tar"));
        byte[] busyboxBytes = Files.readAllBytes(cache.resolve("busybox.tar"));
        assertThat(Files.readString(cache.resolve("pause.tar.inputs")))
                .contains("recipe " + BuiltinImages.RECIPE, "names docker.io/beluga/pause:3.10", "pause.c sha256:",
                        "gcc gcc ", "libc.a sha256:", "archive " + Sha256.of(pauseBytes),
                        "config " + first.get(0).imageId());
        assertThat(Files.readString(cache.resolve("busybox.tar.inputs")))
                .contains("busybox " + Sha256.of(Path.of("/bin/busybox")), "archive " + Sha256.of(busyboxBytes));

        // unchanged inputs: reused, same result
        List<BuiltImage> second = new BuiltinImages(cache).all();
        assertThat(second).allSatisfy(i -> assertThat(i.reused()).isTrue());
        for (int i = 0; i < 2; i++) {
            assertThat(second.get(i).imageId()).isEqualTo(first.get(i).imageId());
            assertThat(second.get(i).manifestDigest()).isEqualTo(first.get(i).manifestDigest());
            assertThat(second.get(i).names()).isEqualTo(first.get(i).names());
        }

        // a damaged archive is rebuilt, byte for byte the same
        Files.write(cache.resolve("pause.tar"), new byte[] {1}, StandardOpenOption.APPEND);
        BuiltImage rebuilt = images.pause();
        assertThat(rebuilt.reused()).isFalse();
        assertThat(Files.readAllBytes(cache.resolve("pause.tar"))).isEqualTo(pauseBytes);

        // another recorded input (here: an older recipe) forces a rebuild, again identical
        Path inputs = cache.resolve("busybox.tar.inputs");
        Files.writeString(inputs, Files.readString(inputs).replace("recipe " + BuiltinImages.RECIPE, "recipe 0"));
        assertThat(images.busybox().reused()).isFalse();
        assertThat(Files.readAllBytes(cache.resolve("busybox.tar"))).isEqualTo(busyboxBytes);

        // a fresh build in another directory gives the same bytes too
        Path other = Files.createDirectory(cache.resolve("other"));
        new BuiltinImages(other).all();
        assertThat(Files.readAllBytes(other.resolve("pause.tar"))).isEqualTo(pauseBytes);
        assertThat(Files.readAllBytes(other.resolve("busybox.tar"))).isEqualTo(busyboxBytes);
        try (var files = Files.list(cache)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temporary files left")
                    .containsExactlyInAnyOrder("pause.tar", "pause.tar.inputs", "busybox.tar", "busybox.tar.inputs",
                            "other");
        }
    }

    @Test
    void aMissingOrDynamicBusyboxNamesTheDebianPackage() throws Exception {
        assertThatThrownBy(() -> new BuiltinImages(cache, cache.resolve("no-busybox")).busybox())
                .isInstanceOfSatisfying(MissingHostToolException.class,
                        e -> assertThat(e.packages()).containsExactly("busybox-static"))
                .hasMessageContaining("no-busybox is missing")
                .hasMessageContaining("apt-get install busybox-static");

        Path dynamic = Path.of(System.getProperty("java.home"), "bin", "java").toRealPath();
        assertThatThrownBy(() -> new BuiltinImages(cache, dynamic).busybox())
                .isInstanceOf(MissingHostToolException.class)
                .hasMessageContaining("dynamically linked")
                .hasMessageContaining("busybox-static");
        assertThat(cache).isEmptyDirectory();
    }
}
