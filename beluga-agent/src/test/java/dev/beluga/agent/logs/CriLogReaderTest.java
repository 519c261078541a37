package dev.beluga.agent.logs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static dev.beluga.agent.logs.CriLogFiles.T0;
import static dev.beluga.agent.logs.CriLogFiles.append;
import static dev.beluga.agent.logs.CriLogFiles.entry;
import static dev.beluga.agent.logs.CriLogFiles.out;
import static dev.beluga.agent.logs.CriLogFiles.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CriLogReaderTest {
    @TempDir
    Path dir;

    private Path log(String content) throws IOException {
        Path p = dir.resolve("0.log");
        Files.writeString(p, content);
        return p;
    }

    @Test
    void copiesTheTextOfBothStreamsInOrder() throws IOException {
        Path p = log(out(0, "one") + entry(1, "stderr", "F", "two") + out(2, "three"));
        assertThat(read(p, LogOptions.all())).isEqualTo("one\ntwo\nthree\n");
    }

    @Test
    void joinsPartialEntriesIntoOneLine() throws IOException {
        Path p = log(entry(0, "stdout", "P", "a long ") + entry(1, "stdout", "P", "line in ") + entry(2, "stdout", "F", "three parts")
            + out(3, "next"));
        assertThat(read(p, LogOptions.all())).isEqualTo("a long line in three parts\nnext\n");
        // the timestamp of a joined line is that of its first part
        assertThat(read(p, LogOptions.all().withTimestamps(true)))
            .isEqualTo(T0 + " a long line in three parts\n" + T0.plusSeconds(3) + " next\n");
    }

    @Test
    void keepsTextAsWrittenIncludingSpacesAndEmptyLines() throws IOException {
        Path p = log(out(0, "  indented  with  spaces ") + out(1, "") + out(2, "ünïcödé ✓"));
        assertThat(read(p, LogOptions.all())).isEqualTo("  indented  with  spaces \n\nünïcödé ✓\n");
    }

    @Test
    void skipsMalformedEntries() throws IOException {
        Path p = log(out(0, "good") + "not a cri line at all\n" + "2024-05-01T10:00:01Z stdin F bad stream\n"
            + "yesterday stdout F bad time\n" + "x".repeat(500) + "\n" + "2024-05-01T10:00:02Z stdout\n" + out(3, "also good"));
        assertThat(read(p, LogOptions.all())).isEqualTo("good\nalso good\n");
    }

    @Test
    void ignoresTagExtensions() throws IOException {
        Path p = log(entry(0, "stdout", "P:x=1", "half ") + entry(0, "stdout", "F:x=2", "whole"));
        assertThat(read(p, LogOptions.all())).isEqualTo("half whole\n");
    }

    @Test
    void timestampsKeepTheWrittenOffsetAndTrimZeros() throws IOException {
        Path p = log("2024-05-01T12:00:00.500000000+02:00 stdout F hi\n2024-05-01T10:00:01.000000000Z stderr F there\n");
        assertThat(read(p, LogOptions.all().withTimestamps(true)))
            .isEqualTo("2024-05-01T12:00:00.5+02:00 hi\n2024-05-01T10:00:01Z there\n");
    }

    @Test
    void selectsOneStream() throws IOException {
        Path p = log(out(0, "o1") + entry(1, "stderr", "F", "e1") + out(2, "o2") + entry(3, "stderr", "F", "e2"));
        assertThat(read(p, LogOptions.all().withStream(LogStream.STDOUT))).isEqualTo("o1\no2\n");
        assertThat(read(p, LogOptions.all().withStream(LogStream.STDERR))).isEqualTo("e1\ne2\n");
    }

    @Test
    void sinceSkipsOlderEntries() throws IOException {
        Path p = log(out(0, "old") + out(10, "edge") + out(20, "new"));
        assertThat(read(p, LogOptions.all().withSince(T0.plusSeconds(10)))).isEqualTo("edge\nnew\n");
        assertThat(read(p, LogOptions.all().withSince(T0.plusSeconds(11)))).isEqualTo("new\n");
        assertThat(read(p, LogOptions.all().withSince(T0.plusSeconds(60)))).isEmpty();
    }

    @Test
    void tailCountsJoinedLines() throws IOException {
        Path p = log(out(0, "l1") + entry(1, "stdout", "P", "l2a") + entry(2, "stdout", "P", "l2b") + out(3, "l2c")
            + entry(4, "stderr", "F", "l3") + out(5, "l4"));
        assertThat(read(p, LogOptions.all().withTailLines(0))).isEmpty();
        assertThat(read(p, LogOptions.all().withTailLines(1))).isEqualTo("l4\n");
        assertThat(read(p, LogOptions.all().withTailLines(3))).isEqualTo("l2al2bl2c\nl3\nl4\n");
        assertThat(read(p, LogOptions.all().withTailLines(4))).isEqualTo("l1\nl2al2bl2c\nl3\nl4\n");
        assertThat(read(p, LogOptions.all().withTailLines(99))).isEqualTo("l1\nl2al2bl2c\nl3\nl4\n");
    }

    @Test
    void tailCountsALineStillBeingWritten() throws IOException {
        Path p = log(out(0, "l1") + out(1, "l2") + entry(2, "stdout", "P", "unfinished"));
        assertThat(read(p, LogOptions.all().withTailLines(1))).isEqualTo("unfinished");
        assertThat(read(p, LogOptions.all().withTailLines(2))).isEqualTo("l2\nunfinished");
    }

    @Test
    void tailThenSinceThenLimit() throws IOException {
        Path p = log(out(0, "a") + out(10, "b") + out(20, "c") + out(30, "d"));
        // the tail is taken first, then since filters within it (as the kubelet does)
        assertThat(read(p, LogOptions.all().withTailLines(3).withSince(T0.plusSeconds(20)))).isEqualTo("c\nd\n");
        assertThat(read(p, LogOptions.all().withTailLines(3).withLimitBytes(3))).isEqualTo("b\nc");
    }

    @Test
    void limitBytesCutsTheOutputIncludingPrefixes() throws IOException {
        Path p = log(out(0, "hello") + out(1, "world"));
        assertThat(read(p, LogOptions.all().withLimitBytes(8))).isEqualTo("hello\nwo");
        assertThat(read(p, LogOptions.all().withLimitBytes(6))).isEqualTo("hello\n");
        assertThat(read(p, LogOptions.all().withLimitBytes(1000))).isEqualTo("hello\nworld\n");
        String prefix = T0 + " ";
        assertThat(read(p, LogOptions.all().withTimestamps(true).withLimitBytes(prefix.length() + 3))).isEqualTo(prefix + "hel");
        assertThat(read(p, LogOptions.all().withTimestamps(true).withLimitBytes(5))).isEqualTo(prefix.substring(0, 5));
    }

    @Test
    void anUnfinishedLastLineIsCopiedWithoutFollow() throws IOException {
        Path p = log(out(0, "done") + "2024-05-01T10:00:01Z stdout F no newline yet");
        assertThat(read(p, LogOptions.all())).isEqualTo("done\nno newline yet");
    }

    @Test
    void aMissingFileIsReportedWithTheKubeletsMessage() {
        Path missing = dir.resolve("gone.log");
        assertThatThrownBy(() -> read(missing, LogOptions.all()))
            .isInstanceOf(LogFileUnavailableException.class)
            .hasMessage("failed to try resolving symlinks in path \"" + missing + "\": lstat " + missing + ": no such file or directory");
    }

    @Test
    void symbolicLinksAreFollowed() throws IOException {
        Path real = log(out(0, "via link"));
        Path link = Files.createSymbolicLink(dir.resolve("link.log"), real);
        assertThat(read(link, LogOptions.all())).isEqualTo("via link\n");
    }

    @Test
    void tailOfALargeFileFindsTheLastLinesAcrossBlocks() throws IOException {
        Path p = dir.resolve("big.log");
        StringBuilder sb = new StringBuilder();
        try (var w = Files.newBufferedWriter(p)) {
            for (int i = 0; i < 200_000; i++) {
                sb.setLength(0);
                // lines of varying length, some split into partial entries longer than a read block
                if (i % 50_000 == 49_999) {
                    String chunk = "y".repeat(40_000);
                    w.write(entry(i, "stdout", "P", chunk));
                    w.write(entry(i, "stdout", "P", chunk));
                    w.write(entry(i, "stdout", "F", "end" + i));
                } else {
                    w.write(out(i, "line " + i + " " + "x".repeat(i % 97)));
                }
            }
        }
        assertThat(Files.size(p)).isGreaterThan(15_000_000L);
        String tail = read(p, LogOptions.all().withTailLines(3));
        assertThat(tail).isEqualTo("line 199997 " + "x".repeat(199_997 % 97) + "\nline 199998 " + "x".repeat(199_998 % 97)
            + "\n" + "y".repeat(80_000) + "end199999\n");
        String more = read(p, LogOptions.all().withTailLines(5));
        assertThat(more.lines()).hasSize(5);
        assertThat(more).startsWith("line 199995 ");
    }

    @Test
    void followSeesAppendedLinesThenEndsWhenTheContainerStops() throws Exception {
        Path p = log(out(0, "first"));
        AtomicBoolean running = new AtomicBoolean(true);
        CriLogFiles.Sink sink = new CriLogFiles.Sink();
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> copy(CriLogFiles.fastFollower(p, LogOptions.all()), sink, running, () -> false));
        assertThat(sink.await("first\n")).isTrue();
        int flushes = sink.flushes();
        assertThat(flushes).isPositive(); // what was read is flushed before waiting
        append(p, out(1, "second"));
        assertThat(sink.await("first\nsecond\n")).isTrue();
        // a line written in two steps appears once complete and joined
        append(p, entry(2, "stdout", "P", "par"));
        append(p, entry(2, "stdout", "F", "tial"));
        assertThat(sink.await("second\npartial\n")).isTrue();
        Thread.sleep(100);
        assertThat(done).isNotDone();
        append(p, out(3, "last words"));
        running.set(false);
        done.get(10, TimeUnit.SECONDS);
        assertThat(sink.text()).isEqualTo("first\nsecond\npartial\nlast words\n");
    }

    @Test
    void followOfAStoppedContainerCopiesWhatThereIsAndEnds() throws Exception {
        Path p = log(out(0, "only"));
        CriLogFiles.Sink sink = new CriLogFiles.Sink();
        CompletableFuture.runAsync(() -> copy(CriLogFiles.fastFollower(p, LogOptions.all()), sink, new AtomicBoolean(false), () -> false))
            .get(10, TimeUnit.SECONDS);
        assertThat(sink.text()).isEqualTo("only\n");
    }

    @Test
    void followWithTailStartsAtTheTailAndGoesOn() throws Exception {
        Path p = log(out(0, "a") + out(1, "b") + out(2, "c"));
        AtomicBoolean running = new AtomicBoolean(true);
        CriLogFiles.Sink sink = new CriLogFiles.Sink();
        CompletableFuture<Void> done = CompletableFuture.runAsync(
            () -> copy(CriLogFiles.fastFollower(p, LogOptions.all().withTailLines(1)), sink, running, () -> false));
        assertThat(sink.await("c\n")).isTrue();
        append(p, out(3, "d"));
        assertThat(sink.await("c\nd\n")).isTrue();
        running.set(false);
        done.get(10, TimeUnit.SECONDS);
        assertThat(sink.text()).isEqualTo("c\nd\n");
    }

    @Test
    void followContinuesInTheNewFileAfterRotation() throws Exception {
        Path p = log(out(0, "before rotation"));
        AtomicBoolean running = new AtomicBoolean(true);
        CriLogFiles.Sink sink = new CriLogFiles.Sink();
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> copy(CriLogFiles.fastFollower(p, LogOptions.all()), sink, running, () -> false));
        assertThat(sink.await("before rotation\n")).isTrue();
        // the runtime writes a little more, then the kubelet renames the file and the runtime reopens a new one
        append(p, out(1, "late in old file"));
        Files.move(p, dir.resolve("0.log.20240501-100002"), StandardCopyOption.ATOMIC_MOVE);
        Thread.sleep(50); // the follower sees no file at the path meanwhile
        append(p, out(2, "in new file"));
        assertThat(sink.await("in new file\n")).isTrue();
        append(p, out(3, "more in new file"));
        running.set(false);
        done.get(10, TimeUnit.SECONDS);
        assertThat(sink.text()).isEqualTo("before rotation\nlate in old file\nin new file\nmore in new file\n");
    }

    @Test
    void followStartsOverWhenTheFileIsTruncated() throws Exception {
        Path p = log(out(0, "first life, a rather long line"));
        AtomicBoolean running = new AtomicBoolean(true);
        CriLogFiles.Sink sink = new CriLogFiles.Sink();
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> copy(CriLogFiles.fastFollower(p, LogOptions.all()), sink, running, () -> false));
        assertThat(sink.await("first life, a rather long line\n")).isTrue();
        Files.writeString(p, out(1, "second")); // truncate in place (copytruncate)
        assertThat(sink.await("second\n")).isTrue();
        running.set(false);
        done.get(10, TimeUnit.SECONDS);
        assertThat(sink.text()).isEqualTo("first life, a rather long line\nsecond\n");
    }

    @Test
    void followEndsAtOnceWhenCancelled() throws Exception {
        Path p = log(out(0, "x"));
        AtomicBoolean gone = new AtomicBoolean(false);
        CriLogFiles.Sink sink = new CriLogFiles.Sink();
        CompletableFuture<Void> done = CompletableFuture.runAsync(
            () -> copy(CriLogFiles.fastFollower(p, LogOptions.all()), sink, new AtomicBoolean(true), gone::get));
        assertThat(sink.await("x\n")).isTrue();
        Thread.sleep(50);
        assertThat(done).isNotDone();
        gone.set(true);
        done.get(10, TimeUnit.SECONDS);
    }

    @Test
    void followStopsAtTheByteLimit() throws Exception {
        Path p = log(out(0, "12345"));
        CriLogFiles.Sink sink = new CriLogFiles.Sink();
        CompletableFuture<Void> done = CompletableFuture.runAsync(
            () -> copy(CriLogFiles.fastFollower(p, LogOptions.all().withLimitBytes(9)), sink, new AtomicBoolean(true), () -> false));
        assertThat(sink.await("12345\n")).isTrue();
        append(p, out(1, "67890"));
        done.get(10, TimeUnit.SECONDS);
        assertThat(sink.text()).isEqualTo("12345\n678");
    }

    @Test
    void interruptingAFollowEndsIt() throws Exception {
        Path p = log(out(0, "x"));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                CriLogFiles.fastFollower(p, LogOptions.all()).copyTo(new ByteArrayOutputStream(), () -> true, () -> false);
            } catch (IOException e) {
                failure.set(e);
            }
        });
        Thread.sleep(100);
        t.interrupt();
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(failure.get()).isInstanceOf(InterruptedIOException.class);
    }

    private static void copy(CriLogReader reader, CriLogFiles.Sink sink, AtomicBoolean running, java.util.function.BooleanSupplier cancelled) {
        try {
            reader.copyTo(sink, running::get, cancelled);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
