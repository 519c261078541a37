package dev.beluga.agent.images;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Compact JSON with map keys in sorted order, so that equal maps and lists always give the same bytes (the OCI blobs'
 * digests depend on it). Thread-safe.
 */
final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .build();

    private Json() {
    }

    /** UTF-8 JSON of a tree of maps, lists, strings, numbers and booleans. */
    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("not serialisable as JSON: " + value, e);
        }
    }

    /** Parses JSON; {@link IOException} when it is not valid. */
    static JsonNode read(byte[] json) throws IOException {
        return MAPPER.readTree(json);
    }
}
