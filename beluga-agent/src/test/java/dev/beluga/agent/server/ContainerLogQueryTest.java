package dev.beluga.agent.server;

import dev.beluga.agent.logs.LogOptions;
import dev.beluga.agent.logs.LogStream;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContainerLogQueryTest {
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static ContainerLogQuery parse(String... kv) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) q.put(kv[i], List.of(kv[i + 1]));
        return ContainerLogQuery.parse(q, CLOCK);
    }

    @Test
    void defaults() {
        assertThat(parse()).isEqualTo(new ContainerLogQuery(LogOptions.all(), false));
    }

    @Test
    void everyOption() {
        ContainerLogQuery q = parse("follow", "true", "previous", "1", "timestamps", "", "tailLines", "10", "limitBytes", "500",
            "sinceSeconds", "60", "stream", "All");
        assertThat(q.previous()).isTrue();
        assertThat(q.options()).isEqualTo(new LogOptions(10, NOW.minusSeconds(60), true, 500, true, LogStream.ALL));
    }

    @Test
    void flagsAreFalseOnlyForZeroAndFalse() {
        assertThat(parse("follow", "0").options().follow()).isFalse();
        assertThat(parse("follow", "FALSE").options().follow()).isFalse();
        assertThat(parse("follow", "yes").options().follow()).isTrue();
        assertThat(parse("follow", "").options().follow()).isTrue();
    }

    @Test
    void sinceTimeAndTheLegacyTail() {
        assertThat(parse("sinceTime", "2024-05-01T11:00:00Z").options().since()).isEqualTo(Instant.parse("2024-05-01T11:00:00Z"));
        assertThat(parse("tail", "3").options().tailLines()).isEqualTo(3);
        assertThat(parse("tail", "all", "tailLines", "3").options().tailLines()).isEqualTo(-1);
        assertThat(parse("stream", "Stdout").options().stream()).isEqualTo(LogStream.STDOUT);
    }

    @Test
    void undecodableValuesAre400() {
        for (String[] bad : List.of(new String[]{"tailLines", "x"}, new String[]{"limitBytes", "1.5"}, new String[]{"sinceSeconds", ""},
            new String[]{"sinceTime", "yesterday"})) {
            assertThatThrownBy(() -> parse(bad)).isInstanceOfSatisfying(KubeletError.class, e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.body()).isEqualTo("{\"message\": \"Unable to decode query.\"}");
            });
        }
    }

    @Test
    void invalidValuesAre422() {
        for (String[] bad : List.of(new String[]{"tailLines", "-1"}, new String[]{"limitBytes", "0"}, new String[]{"sinceSeconds", "0"},
            new String[]{"sinceSeconds", "5", "sinceTime", "2024-05-01T11:00:00Z"}, new String[]{"stream", "stdout"},
            new String[]{"stream", "Stderr", "tailLines", "2"})) {
            assertThatThrownBy(() -> parse(bad)).isInstanceOfSatisfying(KubeletError.class, e -> {
                assertThat(e.status()).isEqualTo(422);
                assertThat(e.body()).isEqualTo("{\"message\": \"Invalid request.\"}");
            });
        }
    }
}
