package dev.beluga.apiserver.http;

import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LineBatchSinkTest {
    /** Records each write call the sink makes. */
    private static final class Writes extends OutputStream {
        final List<String> calls = new ArrayList<>();

        @Override
        public void write(int b) {
            calls.add(String.valueOf((char) b));
        }

        @Override
        public void write(byte[] b, int off, int len) {
            calls.add(new String(b, off, len, StandardCharsets.UTF_8));
        }
    }

    @Test
    void aBatchOfFramesLeavesInOneWriteOfNewlineEndedLines() throws Exception {
        Writes out = new Writes();
        LineBatchSink sink = new LineBatchSink(out);
        sink.frame("{\"type\":\"ADDED\"}".getBytes(StandardCharsets.UTF_8));
        sink.frame("{\"type\":\"MODIFIED\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(out.calls).as("nothing before the flush").isEmpty();
        sink.flush();
        sink.flush();
        sink.frame("{\"type\":\"DELETED\"}".getBytes(StandardCharsets.UTF_8));
        sink.flush();
        assertThat(out.calls).containsExactly("{\"type\":\"ADDED\"}\n{\"type\":\"MODIFIED\"}\n", "{\"type\":\"DELETED\"}\n");
    }

    @Test
    void aBatchBeyondTheLimitLeavesInPartsOfWholeLinesAndALargerFrameAlone() throws Exception {
        Writes out = new Writes();
        LineBatchSink sink = new LineBatchSink(out);
        String line = "e".repeat(999); // 1,000 bytes with its newline
        int perWrite = LineBatchSink.LIMIT / 1000;
        for (int i = 0; i < perWrite + 1; i++) sink.frame(line.getBytes(StandardCharsets.US_ASCII));
        String big = "x".repeat(3 * LineBatchSink.LIMIT);
        sink.frame(big.getBytes(StandardCharsets.US_ASCII));
        sink.frame("y".getBytes(StandardCharsets.US_ASCII));
        sink.flush();
        assertThat(out.calls).containsExactly((line + "\n").repeat(perWrite), line + "\n", big + "\n", "y\n");
        assertThat(out.calls).allSatisfy(w -> assertThat(w).endsWith("\n"));
    }
}
