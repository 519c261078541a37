package dev.beluga.api.labels;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelSelectorTest {
    private static final Map<String, String> LABELS = Map.of("app", "web", "tier", "front", "env", "prod");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "app=web|true", "app==web|true", "app!=web|false", "app!=db|true", "missing!=x|true",
        "app in (web,db)|true", "app in (db)|false", "app notin (db)|true", "app notin (web)|false", "missing notin (x)|true",
        "app|true", "missing|false", "!missing|true", "!app|false",
        "app=web,tier=front|true", "app=web,tier=back|false", " app = web , env in ( prod , dev ) |true", "''|true",
        "example.com/x|false", "app in (web),!missing,tier!=back|true"})
    void matchesAsUpstream(String selector, boolean expected) {
        assertThat(LabelSelector.parse(selector).matches(LABELS)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"app=web=x", "app in web", "app in (web", "=web", "-app=x", "app=-bad-", "app notin"})
    void refusesMalformedSelectors(String selector) {
        assertThatThrownBy(() -> LabelSelector.parse(selector)).isInstanceOf(InvalidSelectorException.class);
    }

    @Test
    void printsCanonicalFormSortedByKey() {
        assertThat(LabelSelector.parse("tier in (b,a),app=web,!x").toString()).isEqualTo("app=web,tier in (a,b),!x");
    }

    @Test
    void structuredSelectorNullMatchesNothingEmptyMatchesEverything() throws Exception {
        ObjectMapper m = new ObjectMapper();
        assertThat(LabelSelector.fromJson(null).matches(LABELS)).isFalse();
        assertThat(LabelSelector.fromJson(m.readTree("{}")).matches(LABELS)).isTrue();
        LabelSelector s = LabelSelector.fromJson(m.readTree(
            "{\"matchLabels\":{\"app\":\"web\"},\"matchExpressions\":[{\"key\":\"env\",\"operator\":\"In\",\"values\":[\"prod\",\"dev\"]},"
                + "{\"key\":\"gone\",\"operator\":\"DoesNotExist\"}]}"));
        assertThat(s.matches(LABELS)).isTrue();
        assertThat(s.matches(Map.of("app", "web", "env", "test"))).isFalse();
        assertThat(s.matches(m.readTree("{\"app\":\"web\",\"env\":\"dev\"}"))).isTrue();
        assertThatThrownBy(() -> LabelSelector.fromJson(m.readTree("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Near\"}]}")))
            .isInstanceOf(InvalidSelectorException.class).hasMessageContaining("Near");
    }
}
