package dev.beluga.store.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WAL is checkpointed while the store runs (its writer's auto-checkpoint is off): a checkpoint copies every
 * committed frame back, and the WAL then starts over instead of growing with every write for the life of the process.
 */
class SqliteCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void checkpointCopiesTheWalBackAndTheWalStartsOver() throws Exception {
        Path file = dir.resolve("store.db");
        try (SqliteBackend backend = SqliteBackend.create(file, "test-cluster")) {
            byte[] value = "v".repeat(4096).getBytes(StandardCharsets.UTF_8);
            long rev = 0;
            rev = write(backend, rev, 500, value);
            Path wal = Path.of(file + "-wal");
            long grown = Files.size(wal);
            assertThat(grown).isGreaterThan(1 << 20);

            SqliteBackend.Checkpoint first = backend.checkpoint();
            assertThat(first.busy()).isFalse();
            assertThat(first.walFrames()).isPositive();
            assertThat(first.checkpointedFrames()).isEqualTo(first.walFrames());

            // with every frame copied back, new commits reuse the WAL from its start: it does not grow past its size
            for (int round = 0; round < 5; round++) {
                rev = write(backend, rev, 100, value);
                assertThat(backend.checkpoint().busy()).isFalse();
            }
            assertThat(Files.size(wal)).isLessThanOrEqualTo(grown);
            assertThat(backend.checkpoint().walFrames()).isLessThan(first.walFrames());
        }
    }

    private static long write(SqliteBackend backend, long rev, int n, byte[] value) {
        for (int i = 0; i < n; i++) {
            backend.begin();
            List<Row> rows = new ArrayList<>();
            rev++;
            rows.add(new Row(rev, ("/k/" + rev).getBytes(StandardCharsets.UTF_8), rev, 1, 0, value));
            backend.insert(rows);
            backend.commit();
        }
        return rev;
    }
}
