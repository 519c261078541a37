package dev.beluga.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ResourceVersionSpliceTest {
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\",\"namespace\":\"default\"},\"spec\":{}}",
        // a nested metadata (a template) before the top-level one is not it
        "{\"kind\":\"ReplicaSet\",\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"app\":\"x\"}}}},\"metadata\":{\"name\":\"rs\"}}",
        // strings that look like the member, escaped quotes and backslashes included
        "{\"data\":{\"k\":\"\\\"metadata\\\":{\\\\\",\"metadata\":\"no\"},\"metadata\":{\"name\":\"cm\",\"annotations\":{\"a\":\"\\\\\"}}}",
        "{\"kind\":\"List\",\"items\":[{\"metadata\":{\"name\":\"x\"}}],\"metadata\":{}}",
        " { \"metadata\" : { \"name\" : \"spaced\" } } ",
    })
    void givesTheTreeWithTheResourceVersionSet(String stored) {
        byte[] spliced = ResourceVersionSplice.apply(stored.getBytes(StandardCharsets.UTF_8), 12345);
        assertThat(spliced).isNotNull();
        ObjectNode expected = Json.parseObject(stored.getBytes(StandardCharsets.UTF_8));
        ((ObjectNode) expected.get("metadata")).put("resourceVersion", "12345");
        assertThat(Json.parseObject(spliced)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"kind\":\"Thing\",\"spec\":{\"metadata\":{\"name\":\"nested only\"}}}",
        "{\"metadata\":\"not an object\"}",
        "[{\"metadata\":{}}]",
        "{\"kind\":\"unterminated",
    })
    void withoutATopLevelMetadataObjectItGivesNull(String stored) {
        assertThat(ResourceVersionSplice.apply(stored.getBytes(StandardCharsets.UTF_8), 7)).isNull();
    }

    @Test
    void cachedObjectJsonIsTheSplicedStoredJson() {
        byte[] stored = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\",\"labels\":{\"a\":\"b\"}},\"data\":{\"k\":\"v\"}}".getBytes(StandardCharsets.UTF_8);
        ObjectNode tree = Json.parseObject(stored);
        ((ObjectNode) tree.get("metadata")).put("resourceVersion", "99");
        CachedObject c = CachedObject.decode(null, "/registry/configmaps/default/c", stored, 99);
        assertThat(Json.parseObject(c.json())).isEqualTo(tree);
        assertThat(c.object()).isEqualTo(tree).isNotSameAs(c.object());
        assertThat(c.labels()).containsExactly(java.util.Map.entry("a", "b"));
        assertThat(c.field("metadata.name")).isEqualTo("c");
    }

    @Test
    void aDeletionMovesTheSplicedResourceVersion() {
        byte[] stored = "{\"metadata\":{\"name\":\"c\"},\"data\":{\"resourceVersion\":\"99\"}}".getBytes(StandardCharsets.UTF_8);
        CachedObject c = CachedObject.decode(null, "/registry/configmaps/default/c", stored, 99);
        CachedObject deleted = c.deletedAt(1234);
        assertThat(new String(deleted.json(), StandardCharsets.UTF_8))
            .isEqualTo("{\"metadata\":{\"resourceVersion\":\"1234\",\"name\":\"c\"},\"data\":{\"resourceVersion\":\"99\"}}");
        assertThat(deleted.revision()).isEqualTo(1234);
        assertThat(c.json()).asString(StandardCharsets.UTF_8).contains("\"resourceVersion\":\"99\",\"name\"");
    }

    @Test
    void aDeletionOfJsonSerializedFromATreeSetsTheResourceVersionToo() {
        byte[] stored = "{\"metadata\":{\"name\":\"c\",\"resourceVersion\":\"5\"}}".getBytes(StandardCharsets.UTF_8);
        CachedObject c = CachedObject.decode(null, "/registry/configmaps/default/c", stored, 99);
        assertThat(c.object().path("metadata").path("resourceVersion").asText()).isEqualTo("99");
        assertThat(c.deletedAt(100).object().path("metadata").path("resourceVersion").asText()).isEqualTo("100");
    }
}
