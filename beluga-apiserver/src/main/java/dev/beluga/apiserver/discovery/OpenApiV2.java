package dev.beluga.apiserver.discovery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal OpenAPI v2 document, for kubectl versions (1.27 and older) that fetch it before {@code apply} even when
 * OpenAPI v3 is served. It declares no definitions, so those clients fall back to their compiled-in types, as they
 * do for servers without schemas. Served as JSON, or as the protobuf {@code openapi.v2.Document} that kubectl asks for
 * (field 1 swagger, 2 info {1 title, 2 version}, 8 paths).
 */
public final class OpenApiV2 {
    private static final byte[] PROTOBUF = encode();

    private OpenApiV2() {
    }

    public static ObjectNode json() {
        ObjectNode o = Json.object().put("swagger", "2.0");
        o.putObject("info").put("title", "Kubernetes").put("version", "v1.32.0");
        o.putObject("paths");
        return o;
    }

    public static byte[] protobuf() {
        return PROTOBUF.clone();
    }

    private static byte[] encode() {
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        field(info, 1, "Kubernetes");
        field(info, 2, "v1.32.0");
        ByteArrayOutputStream doc = new ByteArrayOutputStream();
        field(doc, 1, "2.0");
        field(doc, 2, info.toByteArray());
        field(doc, 8, new byte[0]);
        return doc.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, int number, String value) {
        field(out, number, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void field(ByteArrayOutputStream out, int number, byte[] value) {
        out.write((number << 3) | 2);
        int len = value.length;
        while (len >= 0x80) {
            out.write((len & 0x7f) | 0x80);
            len >>>= 7;
        }
        out.write(len);
        out.writeBytes(value);
    }
}
