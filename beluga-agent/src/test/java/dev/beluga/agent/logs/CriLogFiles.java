package dev.beluga.agent.logs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;

/** Writes CRI log files for tests, and collects what a reader outputs. */
final class CriLogFiles {
    static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    private CriLogFiles() {
    }

    /** One entry: {@code <T0 + seconds> <stream> <tag> <text>\n}. */
    static String entry(long seconds, String stream, String tag, String text) {
        return T0.plusSeconds(seconds) + " " + stream + " " + tag + " " + text + "\n";
    }

    static String out(long seconds, String text) {
        return entry(seconds, "stdout", "F", text);
    }

    static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static String read(Path file, LogOptions options) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new CriLogReader(file, options).copyTo(out, () -> false, () -> false);
        return out.toString(StandardCharsets.UTF_8);
    }

    static CriLogReader fastFollower(Path file, LogOptions options) {
        return new CriLogReader(file, options.withFollow(true), Duration.ofMillis(10), Duration.ofMillis(50));
    }

    /** An output stream whose content can be read while another thread writes; counts flushes. */
    static final class Sink extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private int flushes;

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
        }

        @Override
        public synchronized void flush() {
            flushes++;
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        synchronized int flushes() {
            return flushes;
        }

        /** Waits until the output contains {@code expected}, for at most 10 s. */
        boolean await(String expected) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                if (text().contains(expected)) return true;
                Thread.sleep(5);
            }
            return false;
        }
    }
}
