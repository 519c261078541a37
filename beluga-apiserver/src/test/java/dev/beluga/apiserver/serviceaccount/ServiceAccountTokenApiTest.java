package dev.beluga.apiserver.serviceaccount;

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
 * TokenRequest and service-account authentication through a started API server over HTTPS: a token bound to a pod
 * authenticates (lists namespaces, SelfSubjectReview, TokenReview) until the pod is deleted; errors are upstream's;
 * pods get the projected token volume from admission.
 */
class ServiceAccountTokenApiTest {
    @TempDir
    static Path dir;
    static TestServer server;
    static HttpClient admin;
    static HttpClient noCert;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(dir);
        admin = server.httpClient(true);
        noCert = server.httpClient(false);
        send(admin, null, "POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"team\"}}");
        send(admin, null, "POST", "/api/v1/namespaces/team/serviceaccounts", "{\"metadata\":{\"name\":\"builder\"}}");
        send(admin, null, "POST", "/api/v1/nodes", "{\"metadata\":{\"name\":\"node-1\"}}");
        // under RBAC a service account may do nothing but discovery and reviews: team's accounts may read (view)
        send(admin, null, "POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", "{\"metadata\":{\"name\":\"team-view\"},"
            + "\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\",\"name\":\"view\"},"
            + "\"subjects\":[{\"kind\":\"Group\",\"name\":\"system:serviceaccounts:team\"}]}");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static HttpResponse<String> send(HttpClient c, String token, String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.api.port() + path));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (json != null) b.header("Content-Type", "application/json");
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r, int code) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(code);
        return Json.MAPPER.readTree(r.body());
    }

    static JsonNode createPod(String name, String serviceAccount) throws Exception {
        return json(send(admin, null, "POST", "/api/v1/namespaces/team/pods", "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{"
            + "\"serviceAccountName\":\"" + serviceAccount + "\",\"nodeName\":\"node-1\",\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}"), 201);
    }

    static JsonNode tokenRequest(String sa, String body, int code) throws Exception {
        return json(send(admin, null, "POST", "/api/v1/namespaces/team/serviceaccounts/" + sa + "/token", body), code);
    }

    @Test
    void aPodBoundTokenAuthenticatesAsTheServiceAccountUntilThePodIsDeleted() throws Exception {
        JsonNode pod = createPod("web", "builder");
        String podUid = pod.path("metadata").path("uid").asText();
        JsonNode tr = tokenRequest("builder", "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{"
            + "\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"web\",\"uid\":\"" + podUid + "\"}}}", 201);
        assertThat(tr.path("kind").asText()).isEqualTo("TokenRequest");
        assertThat(tr.path("spec").path("expirationSeconds").asLong()).isEqualTo(3600);
        assertThat(tr.path("spec").path("audiences").toString()).isEqualTo("[\"https://kubernetes.default.svc.cluster.local\"]");
        assertThat(tr.path("status").path("expirationTimestamp").asText()).endsWith("Z");
        String token = tr.path("status").path("token").asText();

        assertThat(json(send(noCert, token, "GET", "/api/v1/namespaces", null), 200).path("items").size()).isGreaterThan(0);
        JsonNode who = json(send(noCert, token, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
            "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}"), 201).path("status").path("userInfo");
        assertThat(who.path("username").asText()).isEqualTo("system:serviceaccount:team:builder");
        assertThat(who.path("groups").toString())
            .isEqualTo("[\"system:serviceaccounts\",\"system:serviceaccounts:team\",\"system:authenticated\"]");
        assertThat(who.path("uid").asText()).isNotEmpty();
        JsonNode extra = who.path("extra");
        assertThat(extra.path("authentication.kubernetes.io/pod-name").toString()).isEqualTo("[\"web\"]");
        assertThat(extra.path("authentication.kubernetes.io/pod-uid").toString()).isEqualTo("[\"" + podUid + "\"]");
        assertThat(extra.path("authentication.kubernetes.io/node-name").toString()).isEqualTo("[\"node-1\"]");
        assertThat(extra.path("authentication.kubernetes.io/node-uid").get(0).asText()).isNotEmpty();
        assertThat(extra.path("authentication.kubernetes.io/credential-id").get(0).asText()).startsWith("JTI=");

        JsonNode review = json(send(admin, null, "POST", "/apis/authentication.k8s.io/v1/tokenreviews",
            "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":{\"token\":\"" + token + "\"}}"), 201);
        assertThat(review.path("status").path("authenticated").asBoolean()).isTrue();
        assertThat(review.path("status").path("user").path("username").asText()).isEqualTo("system:serviceaccount:team:builder");

        json(send(admin, null, "DELETE", "/api/v1/namespaces/team/pods/web?gracePeriodSeconds=0", null), 200);
        JsonNode status = json(send(noCert, token, "GET", "/api/v1/namespaces", null), 401);
        assertThat(status.path("reason").asText()).isEqualTo("Unauthorized");
        JsonNode refused = json(send(admin, null, "POST", "/apis/authentication.k8s.io/v1/tokenreviews",
            "{\"spec\":{\"token\":\"" + token + "\"}}"), 201).path("status");
        assertThat(refused.path("authenticated").asBoolean()).isFalse();
        assertThat(refused.path("error").asText()).isEqualTo("pod team/web has been deleted");

        // a pod of the same name is another pod: the token stays refused
        createPod("web", "builder");
        assertThat(send(noCert, token, "GET", "/api/v1/namespaces", null).statusCode()).isEqualTo(401);
    }

    @Test
    void aDeletedOrRecreatedServiceAccountInvalidatesItsTokensAndOtherAudiencesAreRefused() throws Exception {
        json(send(admin, null, "POST", "/api/v1/namespaces/team/serviceaccounts", "{\"metadata\":{\"name\":\"short-lived\"}}"), 201);
        String token = tokenRequest("short-lived", "{\"spec\":{}}", 201).path("status").path("token").asText();
        assertThat(send(noCert, token, "GET", "/api/v1/namespaces/team/pods", null).statusCode()).isEqualTo(200);
        json(send(admin, null, "DELETE", "/api/v1/namespaces/team/serviceaccounts/short-lived", null), 200);
        json(send(admin, null, "POST", "/api/v1/namespaces/team/serviceaccounts", "{\"metadata\":{\"name\":\"short-lived\"}}"), 201);
        assertThat(send(noCert, token, "GET", "/api/v1/namespaces/team/pods", null).statusCode()).isEqualTo(401);

        String vault = tokenRequest("builder", "{\"spec\":{\"audiences\":[\"vault\"]}}", 201).path("status").path("token").asText();
        assertThat(send(noCert, vault, "GET", "/api/v1/namespaces", null).statusCode()).isEqualTo(401);
        JsonNode review = json(send(admin, null, "POST", "/apis/authentication.k8s.io/v1/tokenreviews",
            "{\"spec\":{\"token\":\"" + vault + "\",\"audiences\":[\"vault\"]}}"), 201).path("status");
        assertThat(review.path("authenticated").asBoolean()).isTrue();
        assertThat(review.path("audiences").toString()).isEqualTo("[\"vault\"]");
    }

    @Test
    void badTokenRequestsGetUpstreamsErrors() throws Exception {
        JsonNode missing = tokenRequest("nobody", "{\"spec\":{}}", 404);
        assertThat(missing.path("message").asText()).isEqualTo("serviceaccounts \"nobody\" not found");
        JsonNode shortLived = tokenRequest("builder", "{\"spec\":{\"expirationSeconds\":10}}", 422);
        assertThat(shortLived.path("reason").asText()).isEqualTo("Invalid");
        assertThat(shortLived.path("details").path("causes").get(0).path("field").asText()).isEqualTo("spec.expirationSeconds");
        assertThat(shortLived.path("message").asText()).contains("may not specify a duration less than 10 minutes");
        assertThat(tokenRequest("builder", "{\"spec\":{\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"ghost\"}}}", 404)
            .path("message").asText()).isEqualTo("pods \"ghost\" not found");
        createPod("uid-check", "builder");
        assertThat(tokenRequest("builder", "{\"spec\":{\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"uid-check\","
            + "\"uid\":\"00000000-0000-0000-0000-000000000000\"}}}", 409).path("message").asText()).contains("does not match the UID in record");
        assertThat(tokenRequest("builder", "{\"spec\":{\"boundObjectRef\":{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"name\":\"x\"}}}", 400)
            .path("message").asText()).isEqualTo("cannot bind token to object of type /v1, Kind=ConfigMap");
        assertThat(send(noCert, "not.a.token", "GET", "/api/v1/namespaces", null).statusCode()).isEqualTo(401);
    }

    @Test
    void admissionDefaultsTheAccountInjectsTheTokenVolumeAndRefusesUnknownAccounts() throws Exception {
        json(send(admin, null, "POST", "/api/v1/namespaces/team/serviceaccounts", "{\"metadata\":{\"name\":\"default\"}}"), 201);
        JsonNode pod = json(send(admin, null, "POST", "/api/v1/namespaces/team/pods",
            "{\"metadata\":{\"name\":\"injected\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}"), 201);
        assertThat(pod.path("spec").path("serviceAccountName").asText()).isEqualTo("default");
        String volume = pod.path("spec").path("volumes").get(0).path("name").asText();
        assertThat(volume).startsWith("kube-api-access-");
        assertThat(pod.path("spec").path("containers").get(0).path("volumeMounts").get(0).path("mountPath").asText())
            .isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount");

        JsonNode refused = json(send(admin, null, "POST", "/api/v1/namespaces/team/pods",
            "{\"metadata\":{\"name\":\"x\"},\"spec\":{\"serviceAccountName\":\"ghost\",\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}"), 403);
        assertThat(refused.path("message").asText()).isEqualTo(
            "pods \"x\" is forbidden: error looking up service account team/ghost: serviceaccount \"ghost\" not found");
    }
}
