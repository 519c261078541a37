package dev.beluga.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What the watch cache keeps of an object for selectors: labels and the type's selectable fields. */
class CachedObjectTest {
    private static ResourceType type(Strategy strategy) {
        return new ResourceType("", "v1", "Thing", "things", "thing", true, List.of(), List.of(), ResourceType.ALL_VERBS,
            List.of(), strategy);
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void keepsTheTypesSelectableFieldsAndStringLabels() {
        ResourceType t = type(new Strategy() {
            @Override
            public Map<String, String> selectableFields(ObjectNode obj) {
                return Map.of("spec.color", obj.path("spec").path("color").asText(""));
            }
        });
        CachedObject c = CachedObject.decode(t, "/registry/things/ns/a",
            json("{\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\",\"labels\":{\"app\":\"web\",\"n\":1}},\"spec\":{\"color\":\"red\"}}"), 7);
        assertThat(c.field("spec.color")).isEqualTo("red");
        assertThat(c.field("metadata.name")).isEqualTo("a");
        assertThat(c.field("metadata.namespace")).isEqualTo("ns");
        assertThat(c.field("spec.other")).isNull();
        assertThat(c.labels()).containsExactly(Map.entry("app", "web"));
        assertThat(c.object().path("metadata").path("resourceVersion").asText()).isEqualTo("7");
    }

    @Test
    void aSelectableFieldWithoutAValueIsAbsentRatherThanAFailure() {
        ResourceType t = type(new Strategy() {
            @Override
            public Map<String, String> selectableFields(ObjectNode obj) {
                Map<String, String> m = new HashMap<>();
                m.put("spec.color", obj.path("spec").path("color").asText(null));
                return m;
            }

            @Override
            public Set<String> selectableFieldNames() {
                return Set.of("spec.color");
            }
        });
        CachedObject c = CachedObject.decode(t, "/registry/things/ns/a", json("{\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\"}}"), 3);
        assertThat(c.field("spec.color")).isNull();
        assertThat(Filters.of(t, null, "spec.color=red").matches(c)).isFalse();
        assertThat(Filters.of(t, null, "spec.color!=red").matches(c)).isTrue();
    }

    @Test
    void aStrategyThatThrowsLeavesTheObjectWithoutSelectableFieldsInsteadOfFailingTheCache() {
        ResourceType t = type(new Strategy() {
            @Override
            public Map<String, String> selectableFields(ObjectNode obj) {
                throw new IllegalStateException("unexpected shape");
            }

            @Override
            public Set<String> selectableFieldNames() {
                return Set.of("spec.color");
            }
        });
        CachedObject c = CachedObject.decode(t, "/registry/things/ns/a", json("{\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\"}}"), 3);
        assertThat(c.field("metadata.name")).isEqualTo("a");
        assertThat(c.field("spec.color")).isNull();
        assertThat(Filters.of(t, null, "metadata.name=a").matches(c)).isTrue();
    }
}
