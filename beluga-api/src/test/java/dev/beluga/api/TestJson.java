package dev.beluga.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON literals for tests, written with single quotes for readability. */
public final class TestJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TestJson() {
    }

    /** Parses {@code json} after turning every single quote into a double quote. */
    public static JsonNode j(String json) {
        try {
            return MAPPER.readTree(json.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException("bad test JSON: " + json, e);
        }
    }
}
