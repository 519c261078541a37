package dev.beluga.agent.volumes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The kubelet's atomic writer layout: timestamped directory, {@code ..data} swap, user-visible links, no-op rewrites. */
class AtomicWriterTest {
    @TempDir
    Path dir;

    private final AtomicWriter writer = new AtomicWriter(Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC));

    private static FileProjection file(String text, int mode) {
        return new FileProjection(text.getBytes(StandardCharsets.UTF_8), mode);
    }

    private static Map<String, FileProjection> payload(Object... pathTextMode) {
        Map<String, FileProjection> m = new LinkedHashMap<>();
        for (int i = 0; i < pathTextMode.length; i += 3) m.put((String) pathTextMode[i], file((String) pathTextMode[i + 1], (Integer) pathTextMode[i + 2]));
        return m;
    }

    private List<String> timestampDirs() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("..2")).sorted().toList();
        }
    }

    @Test
    void firstWriteBuildsTheLayout() throws Exception {
        assertThat(writer.write(dir, payload("app.conf", "a=1", 0644, "nested/deep/key", "v", 0600, "nested/other", "o", 0400))).isTrue();

        List<String> ts = timestampDirs();
        assertThat(ts).hasSize(1);
        assertThat(ts.getFirst()).matches("\\.\\.2026_12_02_10_00_00\\.\\d{9}");
        assertThat(Files.readSymbolicLink(dir.resolve("..data")).toString()).isEqualTo(ts.getFirst());
        assertThat(Files.readSymbolicLink(dir.resolve("app.conf")).toString()).isEqualTo("..data/app.conf");
        assertThat(Files.readSymbolicLink(dir.resolve("nested")).toString()).isEqualTo("..data/nested");
        assertThat(Files.readString(dir.resolve("nested/deep/key"))).isEqualTo("v");
        assertThat(FileModes.get(dir.resolve(ts.getFirst()))).isEqualTo(0755);
        assertThat(FileModes.get(dir.resolve("..data/app.conf"))).isEqualTo(0644);
        assertThat(FileModes.get(dir.resolve("..data/nested/deep/key"))).isEqualTo(0600);
        assertThat(FileModes.get(dir.resolve("..data/nested/other"))).isEqualTo(0400);
        assertThat(FileModes.get(dir.resolve("..data/nested/deep"))).isEqualTo(0755);
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("..data", ts.getFirst(), "app.conf", "nested");
        }
    }

    @Test
    void sameContentIsANoOp() throws Exception {
        writer.write(dir, payload("k", "v", 0644));
        String before = Files.readSymbolicLink(dir.resolve("..data")).toString();
        assertThat(writer.write(dir, payload("k", "v", 0644))).isFalse();
        assertThat(Files.readSymbolicLink(dir.resolve("..data")).toString()).isEqualTo(before);
        assertThat(timestampDirs()).containsExactly(before);
    }

    @Test
    void changedContentSwapsDataAndRemovesTheOldVersion() throws Exception {
        writer.write(dir, payload("k", "v1", 0644));
        String before = Files.readSymbolicLink(dir.resolve("..data")).toString();
        assertThat(writer.write(dir, payload("k", "v2", 0644))).isTrue();
        String after = Files.readSymbolicLink(dir.resolve("..data")).toString();
        assertThat(after).isNotEqualTo(before);
        assertThat(timestampDirs()).containsExactly(after);
        assertThat(Files.readString(dir.resolve("k"))).isEqualTo("v2");
        assertThat(Files.exists(dir.resolve("..data_tmp"))).isFalse();
    }

    @Test
    void changedModeAloneIsWritten() throws Exception {
        writer.write(dir, payload("k", "v", 0644));
        assertThat(writer.write(dir, payload("k", "v", 0400))).isTrue();
        assertThat(FileModes.get(dir.resolve("..data/k"))).isEqualTo(0400);
    }

    @Test
    void removedKeysLoseTheirLinksAndNewKeysGetOne() throws Exception {
        writer.write(dir, payload("gone", "x", 0644, "dir/gone", "y", 0644, "stays", "z", 0644));
        writer.write(dir, payload("stays", "z", 0644, "new", "n", 0644));
        assertThat(Files.exists(dir.resolve("gone"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.exists(dir.resolve("dir"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.readString(dir.resolve("new"))).isEqualTo("n");
        assertThat(Files.readString(dir.resolve("stays"))).isEqualTo("z");
    }

    @Test
    void emptyPayloadLeavesOnlyData() throws Exception {
        writer.write(dir, payload("a", "1", 0644));
        assertThat(writer.write(dir, Map.of())).isTrue();
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("..2"))).containsExactly("..data");
        }
        assertThat(writer.write(dir, Map.of())).isFalse();
    }

    @Test
    void pathsAreCleaned() throws Exception {
        writer.write(dir, payload("./a//b/", "x", 0644));
        assertThat(Files.readString(dir.resolve("a/b"))).isEqualTo("x");
    }

    @Test
    void invalidPathsAreRejectedWithTheKubeletMessagesBeforeWriting() {
        assertThatThrownBy(() -> writer.write(dir, payload("", "x", 0644))).hasMessage("invalid path: must not be empty: \"\"");
        assertThatThrownBy(() -> writer.write(dir, payload("/abs", "x", 0644))).hasMessage("invalid path: must be relative path: /abs");
        assertThatThrownBy(() -> writer.write(dir, payload("a/../b", "x", 0644))).hasMessage("invalid path: must not contain '..': a/../b");
        assertThatThrownBy(() -> writer.write(dir, payload("..hidden", "x", 0644))).hasMessage("invalid path: must not start with '..': ..hidden");
        assertThatThrownBy(() -> writer.write(dir, payload("x".repeat(256), "x", 0644)))
            .hasMessage("invalid path: filenames must be less than or equal to 255 characters");
        assertThatThrownBy(() -> writer.write(dir, payload(("d/").repeat(2049), "x", 0644)))
            .hasMessage("invalid path: must be less than or equal to 4096 characters");
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void aStaleTemporaryLinkFromAnInterruptedWriteIsReplaced() throws Exception {
        Files.createSymbolicLink(dir.resolve("..data_tmp"), Path.of("..nowhere"));
        writer.write(dir, payload("k", "v", 0644));
        assertThat(Files.readString(dir.resolve("k"))).isEqualTo("v");
        assertThat(Files.exists(dir.resolve("..data_tmp"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
    }
}
