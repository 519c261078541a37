package dev.beluga.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The {@code continue} token of a paged list, in upstream's format: base64 of
 * {@code {"v":"meta.k8s.io/v1","rv":R,"start":"<key after the prefix>"}}. Pages after the first are read from the
 * store at revision R, so the whole list is one consistent snapshot.
 */
public record ContinueToken(long revision, String startKey) {

    public String encode() {
        ObjectNode o = Json.object().put("v", "meta.k8s.io/v1").put("rv", revision).put("start", startKey);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(o));
    }

    public static ContinueToken decode(String token) {
        try {
            byte[] raw = Base64.getUrlDecoder().decode(token.replace('+', '-').replace('/', '_').replace("=", ""));
            JsonNode o = Json.parse(raw);
            if (!"meta.k8s.io/v1".equals(o.path("v").asText()) || !o.path("rv").canConvertToLong())
                throw new IllegalArgumentException("unknown version");
            return new ContinueToken(o.path("rv").asLong(), o.path("start").asText());
        } catch (Exception e) {
            throw StatusException.badRequest("continue key is not valid: " + e.getMessage());
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
