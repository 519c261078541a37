package dev.beluga.agent.logs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static dev.beluga.agent.logs.CriLogFiles.entry;
import static dev.beluga.agent.logs.CriLogFiles.out;
import static org.assertj.core.api.Assertions.assertThat;

class TailFinderTest {
    @TempDir
    Path dir;

    @Test
    void readsOnlyTheEndOfAHugeFile() throws IOException {
        Path p = dir.resolve("huge.log");
        try (var w = Files.newBufferedWriter(p)) {
            for (int i = 0; i < 400_000; i++) w.write(out(i, "line number " + i));
        }
        long size = Files.size(p);
        assertThat(size).isGreaterThan(15_000_000L);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            CountingChannel counting = new CountingChannel(ch);
            long start = TailFinder.start(counting, size, 10);
            ch.position(start);
            ByteBuffer rest = ByteBuffer.allocate((int) (size - start));
            ch.read(rest);
            String text = new String(rest.array());
            assertThat(text.lines()).hasSize(10);
            assertThat(text).startsWith(CriLogFiles.T0.plusSeconds(399_990) + " stdout F line number 399990\n");
            // one block, not the file
            assertThat(counting.bytesRead).isLessThanOrEqualTo(TailFinder.BLOCK + 10L * CriEntryHeader.MAX_LENGTH);
        }
    }

    @Test
    void edgeCases() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.log"), "");
        assertThat(start(empty, 5)).isZero();
        Path p = Files.writeString(dir.resolve("p.log"), out(0, "a") + out(1, "b"));
        long size = Files.size(p);
        assertThat(start(p, 0)).isEqualTo(size);
        assertThat(start(p, -1)).isZero();
        assertThat(start(p, 1)).isEqualTo(out(0, "a").length());
        assertThat(start(p, 2)).isZero();
        // only partial entries: one unfinished line
        Path partial = Files.writeString(dir.resolve("partial.log"), entry(0, "stdout", "P", "x") + entry(1, "stdout", "P", "y"));
        assertThat(start(partial, 1)).isZero();
    }

    private static long start(Path p, long lines) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            return TailFinder.start(ch, ch.size(), lines);
        }
    }

    /** Counts the bytes read through it. */
    private static final class CountingChannel implements SeekableByteChannel {
        private final SeekableByteChannel inner;
        long bytesRead;

        CountingChannel(SeekableByteChannel inner) {
            this.inner = inner;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int n = inner.read(dst);
            if (n > 0) bytesRead += n;
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long position() throws IOException {
            return inner.position();
        }

        @Override
        public SeekableByteChannel position(long p) throws IOException {
            inner.position(p);
            return this;
        }

        @Override
        public long size() throws IOException {
            return inner.size();
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isOpen() {
            return inner.isOpen();
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }
}
