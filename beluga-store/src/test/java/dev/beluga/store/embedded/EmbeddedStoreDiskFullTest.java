package dev.beluga.store.embedded;

import dev.beluga.store.StorageFullException;
import dev.beluga.store.WriteResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Fills the disk under the store (a small tmpfs mounted by the test, so root is needed) and checks that writes fail
 * with a clear error, change nothing, and succeed again once space returns.
 */
class EmbeddedStoreDiskFullTest {
    private Path mountPoint;
    private boolean mounted;

    @BeforeEach
    void mountSmallFilesystem() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        mountPoint = Files.createTempDirectory("beluga-diskfull-");
        mounted = run("mount", "-t", "tmpfs", "-o", "size=6m", "beluga-diskfull", mountPoint.toString()) == 0;
        assumeTrue(mounted, "could not mount a tmpfs");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) run("umount", mountPoint.toString());
        if (mountPoint != null) Files.deleteIfExists(mountPoint);
    }

    private static int run(String... cmd) throws IOException, InterruptedException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }

    @Test
    void writesFailCleanlyWhenTheDiskIsFullAndResumeWhenSpaceReturns() throws Exception {
        Path filler = mountPoint.resolve("filler");
        List<WriteResult> acked = new ArrayList<>();
        byte[] value = new byte[16 * 1024];
        new Random(5).nextBytes(value);
        try (EmbeddedStore s = EmbeddedStore.open(mountPoint.resolve("db"))) {
            // leave about 1 MiB free
            long free = mountPoint.toFile().getUsableSpace();
            Files.write(filler, new byte[(int) Math.max(0, free - (1 << 20))]);
            StorageFullException full = null;
            for (int i = 0; i < 1000 && full == null; i++) {
                try {
                    acked.add(s.put(("/full/" + i).getBytes(UTF_8), value));
                } catch (StorageFullException e) {
                    full = e;
                }
            }
            if (full == null) fail("the disk never filled up");
            assertThat(full).hasMessageContaining("no space left");
            long revision = s.currentRevision();
            assertThat(revision).isEqualTo(acked.getLast().revision());
            assertThat(s.get(("/full/" + acked.size()).getBytes(UTF_8))).as("the failed write").isNull();
            for (WriteResult r : acked) assertThat(s.get(r.current().key()).value()).isEqualTo(value);

            Files.delete(filler);
            WriteResult after = s.put("/full/after".getBytes(UTF_8), value);
            assertThat(after.revision()).isEqualTo(revision + 1);
        }
        try (EmbeddedStore s = EmbeddedStore.open(mountPoint.resolve("db"))) {
            assertThat(s.get("/full/after".getBytes(UTF_8)).value()).isEqualTo(value);
            for (WriteResult r : acked) assertThat(s.get(r.current().key()).modRevision()).isEqualTo(r.revision());
        }
    }
}
