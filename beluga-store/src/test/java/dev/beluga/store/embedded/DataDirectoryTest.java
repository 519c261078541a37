package dev.beluga.store.embedded;

import dev.beluga.store.StoreCorruptException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Random;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A foreign, corrupt, newer or busy store directory is refused at open and left exactly as it was. */
class DataDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void directoryWithForeignFilesIsRefusedUntouched() throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> EmbeddedStore.open(dir)).isInstanceOf(StoreCorruptException.class)
            .hasMessageContaining("not a Beluga store directory").hasMessageContaining("notes.txt");
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("notes.txt");
        }
        assertThat(Files.readString(dir.resolve("notes.txt"))).isEqualTo("mine");
    }

    @Test
    void garbageDatabaseFileIsRefusedUntouched() throws Exception {
        byte[] junk = new byte[8192];
        new Random(3).nextBytes(junk);
        Files.write(dir.resolve("state.db"), junk);
        assertThatThrownBy(() -> EmbeddedStore.open(dir)).isInstanceOf(StoreCorruptException.class)
            .hasMessageContaining("not a Beluga store database");
        assertThat(Files.readAllBytes(dir.resolve("state.db"))).isEqualTo(junk);
    }

    @Test
    void emptyDatabaseFileIsRefused() throws Exception {
        Files.createFile(dir.resolve("state.db"));
        assertThatThrownBy(() -> EmbeddedStore.open(dir)).isInstanceOf(StoreCorruptException.class)
            .hasMessageContaining("empty");
        assertThat(Files.size(dir.resolve("state.db"))).isZero();
    }

    @Test
    void foreignSqliteDatabaseIsRefusedUntouched() throws Exception {
        Path db = dir.resolve("state.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE users(name TEXT)");
            s.executeUpdate("INSERT INTO users VALUES ('ada')");
        }
        byte[] before = Files.readAllBytes(db);
        assertThatThrownBy(() -> EmbeddedStore.open(dir)).isInstanceOf(StoreCorruptException.class)
            .hasMessageContaining("not a Beluga store");
        assertThat(Files.readAllBytes(db)).isEqualTo(before);
    }

    @Test
    void storeOfANewerFormatIsRefused() throws Exception {
        EmbeddedStore.open(dir).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("state.db"));
             Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE meta SET value = '99' WHERE name = 'format_version'");
        }
        assertThatThrownBy(() -> EmbeddedStore.open(dir)).isInstanceOf(StoreCorruptException.class)
            .hasMessageContaining("format 99");
    }

    @Test
    void aStoreInUseCannotBeOpenedTwice() {
        try (EmbeddedStore s = EmbeddedStore.open(dir)) {
            s.put("/k".getBytes(UTF_8), "v".getBytes(UTF_8));
            assertThatThrownBy(() -> EmbeddedStore.open(dir)).isInstanceOf(StoreCorruptException.class)
                .hasMessageContaining("in use");
            assertThat(s.get("/k".getBytes(UTF_8)).valueString()).isEqualTo("v");
        }
        try (EmbeddedStore s = EmbeddedStore.open(dir)) {
            assertThat(s.get("/k".getBytes(UTF_8)).valueString()).isEqualTo("v");
        }
    }

    @Test
    void interruptedCreationLeavesNoStoreBehind() throws Exception {
        Files.writeString(dir.resolve("state.db.init"), "half-made");
        try (EmbeddedStore s = EmbeddedStore.open(dir)) {
            assertThat(s.currentRevision()).isZero();
        }
        assertThat(Files.exists(dir.resolve("state.db.init"))).isFalse();
    }
}
