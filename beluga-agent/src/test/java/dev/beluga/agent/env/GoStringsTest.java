package dev.beluga.agent.env;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Go's %q quoting, as it appears in downward API label files and kubelet messages. */
class GoStringsTest {
    @Test
    void quotesLikeGo() {
        assertThat(GoStrings.quote("plain")).isEqualTo("\"plain\"");
        assertThat(GoStrings.quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(GoStrings.quote("l1\nl2\tx\r\u0007\u000b\f\b")).isEqualTo("\"l1\\nl2\\tx\\r\\a\\v\\f\\b\"");
        assertThat(GoStrings.quote("\u0001\u007f")).isEqualTo("\"\\x01\\x7f\"");
        assertThat(GoStrings.quote("grüße €")).isEqualTo("\"grüße €\"");
        assertThat(GoStrings.quote("\u200b\u00a0")).isEqualTo("\"\\u200b\\u00a0\"");
        assertThat(GoStrings.quote("")).isEqualTo("\"\"");
    }
}
