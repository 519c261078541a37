package dev.beluga.api.labels;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static dev.beluga.api.TestJson.j;
import static org.assertj.core.api.Assertions.assertThat;

class LabelSelectorMatchTest {
    private static final Map<String, String> LABELS = Map.of("app", "web", "tier", "front", "env", "prod", "replicas", "3",
        "empty", "");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "app=web|true", "app==web|true", "app=db|false", "missing=x|false",
        "app!=web|false", "app!=db|true", "missing!=x|true",
        "app in (web,db)|true", "app in (db)|false", "missing in (x)|false",
        "app notin (db)|true", "app notin (web)|false", "missing notin (x)|true",
        "app|true", "missing|false", "!missing|true", "!app|false",
        "empty|true", "empty=|true", "empty in ()|true", "!empty|false",
        "replicas>2|true", "replicas>3|false", "replicas<4|true", "replicas<3|false", "app>1|false", "missing<1|false",
        "app=web,tier=front|true", "app=web,tier=back|false", "app in (web),!missing,tier!=back|true"})
    void matchesAsUpstream(String selector, boolean expected) {
        assertThat(LabelSelector.parse(selector).matches(LABELS)).isEqualTo(expected);
    }

    @Test
    void matchesJsonLabelObjects() {
        JsonNode labels = j("{'app':'web','n':5}");
        assertThat(LabelSelector.parse("app=web,n=5").matches(labels)).isTrue();
        assertThat(LabelSelector.parse("app=db").matches(labels)).isFalse();
        assertThat(LabelSelector.parse("!app").matches(j("{}"))).isTrue();
        assertThat(LabelSelector.parse("!app").matches((JsonNode) null)).as("no labels at all").isTrue();
        assertThat(LabelSelector.parse("app").matches(j("{}").path("labels"))).as("missing labels").isFalse();
        assertThat(LabelSelector.EVERYTHING.matches(j("{}"))).isTrue();
        assertThat(LabelSelector.NOTHING.matches(labels)).isFalse();
    }

    @Test
    void exactValueIsTheValueAnEqualityOrSingleInRequires() {
        LabelSelector s = LabelSelector.parse("a=1,b==2,c in (3),d in (4,5),e!=6,f");
        assertThat(s.exactValue("a")).isEqualTo("1");
        assertThat(s.exactValue("b")).isEqualTo("2");
        assertThat(s.exactValue("c")).isEqualTo("3");
        assertThat(s.exactValue("d")).isNull();
        assertThat(s.exactValue("e")).isNull();
        assertThat(s.exactValue("f")).isNull();
        assertThat(s.exactValue("zz")).isNull();
    }

    @Test
    void fromSetRequiresEveryLabel() {
        LabelSelector s = LabelSelector.fromSet(Map.of("tier", "front", "app", "web"));
        assertThat(s.toString()).isEqualTo("app=web,tier=front");
        assertThat(s.matches(LABELS)).isTrue();
        assertThat(s.matches(Map.of("app", "web"))).isFalse();
        assertThat(LabelSelector.fromSet(Map.of()).isEmpty()).isTrue();
    }

    @Test
    void equalSelectorsAreEqual() {
        assertThat(LabelSelector.parse("b=2,a in (y,x)")).isEqualTo(LabelSelector.parse("a in (x,y),b=2"))
            .hasSameHashCodeAs(LabelSelector.parse("a in (x,y),b=2"));
        assertThat(LabelSelector.parse("a=1")).isNotEqualTo(LabelSelector.parse("a==1"));
        assertThat(LabelSelector.EVERYTHING).isNotEqualTo(LabelSelector.NOTHING);
    }
}
