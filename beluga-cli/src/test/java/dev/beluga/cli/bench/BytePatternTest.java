package dev.beluga.cli.bench;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class BytePatternTest {
    private static final BytePattern SEQ = new BytePattern("\"bench/seq\":\"");

    private static int after(BytePattern p, String text, int off, int len) {
        return p.after(text.getBytes(StandardCharsets.US_ASCII), off, len);
    }

    @Test
    void findsTheFirstOccurrenceAndReturnsTheIndexAfterIt() {
        String line = "{\"metadata\":{\"annotations\":{\"bench/seq\":\"12-345\"},\"x\":\"bench/seq\"}}";
        int i = after(SEQ, line, 0, line.length());
        assertThat(line.substring(i)).startsWith("12-345\"");
    }

    @Test
    void respectsTheRangeAndReportsAMiss() {
        String text = "xx\"bench/seq\":\"1";
        assertThat(after(SEQ, text, 0, text.length())).isEqualTo(text.length() - 1);
        assertThat(after(SEQ, text, 3, text.length() - 3)).isEqualTo(-1);
        assertThat(after(SEQ, text, 0, text.length() - 2)).as("cut before the pattern ends").isEqualTo(-1);
        assertThat(after(SEQ, "", 0, 0)).isEqualTo(-1);
    }

    @Test
    void patternsWithRepeatedBytesAreFoundAfterPartialMatches() {
        BytePattern aab = new BytePattern("aab");
        assertThat(after(aab, "aaaab", 0, 5)).isEqualTo(5);
        assertThat(after(aab, "abaabab", 0, 7)).isEqualTo(5);
        assertThat(after(aab, "ababab", 0, 6)).isEqualTo(-1);
    }
}
