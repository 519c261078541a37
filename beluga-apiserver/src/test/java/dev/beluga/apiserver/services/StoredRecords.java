package dev.beluga.apiserver.services;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.store.KeyValue;
import dev.beluga.store.KvStore;

import java.nio.charset.StandardCharsets;

/** Reads allocation records straight from the store, for tests. */
final class StoredRecords {
    private StoredRecords() {
    }

    /** The value of the record {@code key}, or null when there is none. */
    static ObjectNode value(KvStore store, String key) {
        KeyValue kv = store.get(key.getBytes(StandardCharsets.UTF_8));
        return kv == null ? null : Json.parseObject(kv.value());
    }

    /** The Service ({@code namespace/name}) the record {@code key} names, or null when there is none. */
    static String owner(KvStore store, String key) {
        ObjectNode v = value(store, key);
        return v == null ? null : v.path("namespace").asText() + "/" + v.path("name").asText();
    }
}
