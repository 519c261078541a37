package dev.beluga.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad requests get the right Status (code, reason, message) and change nothing; requests without credentials get
 * 401; pods/binding assigns a node once.
 */
class BadInputTest {
    @TempDir
    static Path dir;
    private static TestServer server;
    private static HttpClient admin;
    private static HttpClient anonymous;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(dir);
        admin = server.httpClient(true);
        anonymous = server.httpClient(false);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static HttpResponse<String> send(HttpClient c, String method, String path, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.api.port() + path));
        if (contentType != null) b.header("Content-Type", contentType);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(String method, String path, String json) throws Exception {
        return send(admin, method, path, "application/json", json == null ? null : json.getBytes());
    }

    private static JsonNode status(HttpResponse<String> r, int code, String reason) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(code);
        JsonNode s = Json.MAPPER.readTree(r.body());
        assertThat(s.path("kind").asText()).isEqualTo("Status");
        assertThat(s.path("reason").asText()).isEqualTo(reason);
        assertThat(s.path("code").asInt()).isEqualTo(code);
        return s;
    }

    private static int configMapCount() throws Exception {
        return Json.MAPPER.readTree(send("GET", "/api/v1/namespaces/default/configmaps", null).body()).path("items").size();
    }

    @Test
    void noCredentialsIs401ButHealthIsOpen() throws Exception {
        status(send(anonymous, "GET", "/api/v1/namespaces", null, null), 401, "Unauthorized");
        assertThat(send(anonymous, "GET", "/readyz", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void malformedBodiesAre400AndChangeNothing() throws Exception {
        int before = configMapCount();
        assertThat(status(send("POST", "/api/v1/namespaces/default/configmaps", "{\"metadata\":{\"name\":\"x\""), 400, "BadRequest")
            .path("message").asText()).contains("not valid JSON");
        status(send(admin, "POST", "/api/v1/namespaces/default/configmaps", "application/yaml", "metadata: [unclosed".getBytes()), 400, "BadRequest");
        status(send("POST", "/api/v1/namespaces/default/configmaps", "[1,2]"), 400, "BadRequest");
        status(send(admin, "POST", "/api/v1/namespaces/default/configmaps", "text/plain", "hello".getBytes()), 415, "UnsupportedMediaType");
        status(send("POST", "/api/v1/namespaces/default/configmaps", "{\"kind\":\"Secret\",\"metadata\":{\"name\":\"x\"}}"), 400, "BadRequest");
        assertThat(configMapCount()).isEqualTo(before);
    }

    @Test
    void invalidNamesAre422WithTheFieldPath() throws Exception {
        JsonNode s = status(send("POST", "/api/v1/namespaces/default/configmaps", "{\"metadata\":{\"name\":\"UPPER_case\"}}"), 422, "Invalid");
        assertThat(s.path("details").path("causes").get(0).path("field").asText()).isEqualTo("metadata.name");
        assertThat(s.path("message").asText()).startsWith("ConfigMap \"UPPER_case\" is invalid: metadata.name: Invalid value");
    }

    @Test
    void staleResourceVersionIs409AndBadOneIsRefused() throws Exception {
        JsonNode created = Json.MAPPER.readTree(send("POST", "/api/v1/namespaces/default/configmaps",
            "{\"metadata\":{\"name\":\"rv\"},\"data\":{\"a\":\"1\"}}").body());
        String rv = created.path("metadata").path("resourceVersion").asText();
        assertThat(send("PUT", "/api/v1/namespaces/default/configmaps/rv",
            "{\"metadata\":{\"name\":\"rv\",\"resourceVersion\":\"" + rv + "\"},\"data\":{\"a\":\"2\"}}").statusCode()).isEqualTo(200);
        status(send("PUT", "/api/v1/namespaces/default/configmaps/rv",
            "{\"metadata\":{\"name\":\"rv\",\"resourceVersion\":\"" + rv + "\"},\"data\":{\"a\":\"3\"}}"), 409, "Conflict");
        status(send("PUT", "/api/v1/namespaces/default/configmaps/rv",
            "{\"metadata\":{\"name\":\"rv\",\"resourceVersion\":\"abc\"},\"data\":{\"a\":\"3\"}}"), 422, "Invalid");
        status(send("GET", "/api/v1/namespaces/default/configmaps?resourceVersion=nope", null), 400, "BadRequest");
        assertThat(Json.MAPPER.readTree(send("GET", "/api/v1/namespaces/default/configmaps/rv", null).body()).path("data").path("a").asText())
            .isEqualTo("2");
    }

    @Test
    void unknownFieldsFailStrictValidationAndAreDroppedOtherwise() throws Exception {
        String pod = "{\"metadata\":{\"name\":\"NAME\"},\"spec\":{\"bogus\":1,\"containers\":[{\"name\":\"c\",\"image\":\"busybox\",\"imagee\":\"x\"}]}}";
        JsonNode s = status(send("POST", "/api/v1/namespaces/default/pods?fieldValidation=Strict", pod.replace("NAME", "strict")), 400, "BadRequest");
        assertThat(s.path("message").asText())
            .isEqualTo("strict decoding error: unknown field \"spec.bogus\", unknown field \"spec.containers[0].imagee\"");
        status(send("GET", "/api/v1/namespaces/default/pods/strict", null), 404, "NotFound");
        HttpResponse<String> warned = send("POST", "/api/v1/namespaces/default/pods?fieldValidation=Warn", pod.replace("NAME", "warned"));
        assertThat(warned.statusCode()).isEqualTo(201);
        assertThat(warned.headers().allValues("Warning")).contains("299 - \"unknown field \\\"spec.bogus\\\"\"");
        JsonNode stored = Json.MAPPER.readTree(send("GET", "/api/v1/namespaces/default/pods/warned", null).body());
        assertThat(stored.path("spec").has("bogus")).isFalse();
        assertThat(stored.path("spec").path("containers").get(0).has("imagee")).isFalse();
    }

    @Test
    void oversizeBodiesAre413() throws Exception {
        byte[] big = new byte[Exchange.MAX_BODY_BYTES + 10];
        java.util.Arrays.fill(big, (byte) ' ');
        status(send(admin, "POST", "/api/v1/namespaces/default/configmaps", "application/json", big), 413, "RequestEntityTooLarge");
    }

    @Test
    void unknownResourcesAndObjectsAre404() throws Exception {
        status(send("GET", "/api/v1/widgets", null), 404, "NotFound");
        status(send("GET", "/apis/nope.example.com/v1/things", null), 404, "NotFound");
        JsonNode s = status(send("GET", "/api/v1/namespaces/default/pods/nope", null), 404, "NotFound");
        assertThat(s.path("message").asText()).isEqualTo("pods \"nope\" not found");
        assertThat(s.path("details").path("kind").asText()).isEqualTo("pods");
    }

    @Test
    void bindingAssignsANodeOnce() throws Exception {
        send("POST", "/api/v1/namespaces/default/pods", "{\"metadata\":{\"name\":\"bind\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}");
        String binding = "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"bind\"},\"target\":{\"kind\":\"Node\",\"name\":\"n1\"}}";
        assertThat(send("POST", "/api/v1/namespaces/default/pods/bind/binding", binding).statusCode()).isEqualTo(201);
        JsonNode pod = Json.MAPPER.readTree(send("GET", "/api/v1/namespaces/default/pods/bind", null).body());
        assertThat(pod.path("spec").path("nodeName").asText()).isEqualTo("n1");
        assertThat(pod.path("status").path("conditions").get(0).path("type").asText()).isEqualTo("PodScheduled");
        status(send("POST", "/api/v1/namespaces/default/pods/bind/binding", binding.replace("n1", "n2")), 409, "Conflict");
    }
}
