package dev.beluga.agent.images;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LayerTest {
    private static final byte[] HELLO = "hello\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void entriesAreSortedWithParentsAddedAndOwnedByRootAtTimeZero() throws Exception {
        Layer layer = Layer.of(List.of(
                RootfsEntry.symlink("/usr/bin/sh", "../../bin/busybox"),
                RootfsEntry.file("bin/busybox", 0755, HELLO),
                RootfsEntry.directory("tmp/", 01777),
                RootfsEntry.file("etc/passwd", 0644, HELLO)));

        byte[] tar = TarEntries.readGzipRaw(layer.blob());
        TarEntries entries = TarEntries.read(tar);
        assertThat(entries.names()).containsExactly(
                "bin/", "bin/busybox", "etc/", "etc/passwd", "tmp/", "usr/", "usr/bin/", "usr/bin/sh");
        for (TarArchiveEntry e : entries.entries()) {
            assertThat(e.getLastModifiedTime().toMillis()).as(e.getName()).isZero();
            assertThat(e.getLongUserId()).as(e.getName()).isZero();
            assertThat(e.getLongGroupId()).as(e.getName()).isZero();
            assertThat(e.getUserName()).as(e.getName()).isEmpty();
            assertThat(e.getGroupName()).as(e.getName()).isEmpty();
        }
        assertThat(entries.entry("tmp/").isDirectory()).isTrue();
        assertThat(entries.entry("tmp/").getMode()).isEqualTo(01777);
        assertThat(entries.entry("usr/").getMode()).as("added parent").isEqualTo(0755);
        assertThat(entries.entry("bin/busybox").getMode()).isEqualTo(0755);
        assertThat(entries.bytes("bin/busybox")).isEqualTo(HELLO);
        assertThat(entries.entry("usr/bin/sh").isSymbolicLink()).isTrue();
        assertThat(entries.entry("usr/bin/sh").getLinkName()).isEqualTo("../../bin/busybox");

        assertThat(layer.digest()).isEqualTo(Sha256.of(layer.blob()));
        assertThat(layer.diffId()).isEqualTo(Sha256.of(tar));
        assertThat(layer.tarSize()).isEqualTo(tar.length);
        assertThat(layer.size()).isEqualTo(layer.blob().length);
    }

    @Test
    void gzipHeaderHasNoNameAndNoTimestamp() {
        byte[] blob = Layer.of(List.of(RootfsEntry.file("a", 0644, HELLO))).blob();
        assertThat(blob[0] & 0xff).isEqualTo(0x1f);
        assertThat(blob[1] & 0xff).isEqualTo(0x8b);
        assertThat(blob[3]).as("FLG: no name, comment or extra field").isZero();
        assertThat(new byte[] {blob[4], blob[5], blob[6], blob[7]}).as("MTIME").containsOnly(0);
    }

    @Test
    void sameEntriesInAnyOrderGiveTheSameBytes() {
        List<RootfsEntry> entries = List.of(RootfsEntry.file("b/x", 0600, HELLO), RootfsEntry.symlink("a", "b/x"),
                RootfsEntry.directory("c", 0700));
        Layer one = Layer.of(entries);
        Layer two = Layer.of(List.of(entries.get(2), entries.get(0), entries.get(1)));
        assertThat(two.blob()).isEqualTo(one.blob());
        assertThat(two.digest()).isEqualTo(one.digest());
        assertThat(Layer.of(List.of(RootfsEntry.file("b/x", 0644, HELLO))).digest())
                .as("a different mode is a different layer").isNotEqualTo(Layer.of(List.of(
                        RootfsEntry.file("b/x", 0600, HELLO))).digest());
    }

    @Test
    void rejectsDuplicatePathsAndFilesUsedAsParents() {
        assertThatThrownBy(() -> Layer.of(List.of(RootfsEntry.directory("a", 0755), RootfsEntry.file("/a/", 0644, HELLO))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two rootfs entries for the path a");
        assertThatThrownBy(() -> Layer.of(List.of(RootfsEntry.file("a", 0644, HELLO),
                        RootfsEntry.file("a/b", 0644, HELLO))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parent a is not a directory");
    }

    @Test
    void rootfsPathsAreCheckedAndNormalised() {
        assertThat(RootfsEntry.directory("/var/", 0755).path()).isEqualTo("var");
        for (String bad : List.of("", "/", "a//b", "a/../b", "./a", "a b", "é", "x".repeat(101))) {
            assertThatThrownBy(() -> RootfsEntry.file(bad, 0644, HELLO)).as("'%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> RootfsEntry.directory("a", 010000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RootfsEntry.symlink("a", "")).isInstanceOf(IllegalArgumentException.class);
    }
}
