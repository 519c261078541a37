package dev.beluga.apiserver.serviceaccount;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beluga.apiserver.Json;
import dev.beluga.pki.ServiceAccountKey;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Signing and checking bound service-account JWTs: upstream's claims, and every reason to refuse a token. */
class ServiceAccountTokensTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final ServiceAccountKey KEY = ServiceAccountKey.ephemeral();
    private static final TokenIssuerConfig CONFIG = new TokenIssuerConfig(TokenIssuerConfig.DEFAULT_ISSUER, List.of(), () -> KEY);
    private static final ServiceAccountTokens.Ref SA = new ServiceAccountTokens.Ref("builder", "sa-uid");
    private static final ServiceAccountTokens.Ref POD = new ServiceAccountTokens.Ref("web-1", "pod-uid");
    private static final ServiceAccountTokens.Ref NODE = new ServiceAccountTokens.Ref("node-1", "node-uid");

    private static ServiceAccountTokens at(Instant t) {
        return new ServiceAccountTokens(CONFIG, Clock.fixed(t, ZoneOffset.UTC));
    }

    private static String issue(List<String> audiences, Duration lifetime) {
        return at(T0).issue("team-a", SA, audiences, lifetime, POD, null, NODE);
    }

    private static JsonNode part(String token, int i) throws Exception {
        return Json.parse(Base64.getUrlDecoder().decode(token.split("\\.")[i]));
    }

    @Test
    void tokensCarryUpstreamsClaimsAndVerify() throws Exception {
        String token = issue(List.of(TokenIssuerConfig.DEFAULT_ISSUER), Duration.ofHours(1));
        JsonNode header = part(token, 0);
        assertThat(header.path("alg").asText()).isEqualTo("ES256");
        assertThat(header.path("kid").asText()).isEqualTo(KEY.keyId());
        JsonNode c = part(token, 1);
        assertThat(c.path("iss").asText()).isEqualTo("https://kubernetes.default.svc.cluster.local");
        assertThat(c.path("sub").asText()).isEqualTo("system:serviceaccount:team-a:builder");
        assertThat(c.path("aud").get(0).asText()).isEqualTo("https://kubernetes.default.svc.cluster.local");
        assertThat(c.path("iat").asLong()).isEqualTo(T0.getEpochSecond()).isEqualTo(c.path("nbf").asLong());
        assertThat(c.path("exp").asLong()).isEqualTo(T0.getEpochSecond() + 3600);
        assertThat(c.path("jti").asText()).matches("[0-9a-f-]{36}");
        JsonNode k = c.path("kubernetes.io");
        assertThat(k.path("namespace").asText()).isEqualTo("team-a");
        assertThat(k.path("serviceaccount").path("uid").asText()).isEqualTo("sa-uid");
        assertThat(k.path("pod").path("name").asText()).isEqualTo("web-1");
        assertThat(k.path("node").path("uid").asText()).isEqualTo("node-uid");

        ServiceAccountTokens.Claims claims = at(T0.plusSeconds(3000)).verify(token, null);
        assertThat(claims.username()).isEqualTo("system:serviceaccount:team-a:builder");
        assertThat(claims.pod()).isEqualTo(POD);
        assertThat(claims.node()).isEqualTo(NODE);
        assertThat(claims.secret()).isNull();
        assertThat(claims.audiences()).containsExactly(TokenIssuerConfig.DEFAULT_ISSUER);
    }

    @Test
    void expiredTokensAreRefusedAfterUpstreamsMinuteOfLeeway() throws Exception {
        String token = issue(List.of(TokenIssuerConfig.DEFAULT_ISSUER), Duration.ofMinutes(10));
        at(T0.plusSeconds(600 + 59)).verify(token, null);
        assertThatThrownBy(() -> at(T0.plusSeconds(600 + 61)).verify(token, null)).hasMessage("service account token has expired");
        assertThatThrownBy(() -> at(T0.minusSeconds(120)).verify(token, null)).hasMessage("service account token is not valid yet");
    }

    @Test
    void aTokenForAnotherAudienceIsRefusedUnlessThatAudienceIsAskedFor() throws Exception {
        String token = issue(List.of("vault"), Duration.ofHours(1));
        assertThatThrownBy(() -> at(T0).verify(token, null)).hasMessageContaining("invalid for the target audiences");
        assertThat(at(T0).verify(token, List.of("vault", "other")).audiences()).containsExactly("vault");
    }

    @Test
    void otherKeysForgedSignaturesAndTamperedClaimsAreRefused() throws Exception {
        String token = issue(List.of(TokenIssuerConfig.DEFAULT_ISSUER), Duration.ofHours(1));
        ServiceAccountKey other = ServiceAccountKey.ephemeral();
        ServiceAccountTokens otherIssuer = new ServiceAccountTokens(new TokenIssuerConfig(TokenIssuerConfig.DEFAULT_ISSUER, List.of(), () -> other),
            Clock.fixed(T0, ZoneOffset.UTC));
        assertThatThrownBy(() -> otherIssuer.verify(token, null)).hasMessage("invalid signature");

        String[] parts = token.split("\\.");
        String forgedClaims = Base64.getUrlEncoder().withoutPadding().encodeToString(
            part(token, 1).toString().replace("builder", "admin").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> at(T0).verify(parts[0] + "." + forgedClaims + "." + parts[2], null)).hasMessage("invalid signature");

        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> at(T0).verify(none + "." + parts[1] + ".", null)).hasMessage("invalid signature");
        assertThatThrownBy(() -> at(T0).verify("not-a-jwt", null)).hasMessage("not a compact JWS");
    }

    @Test
    void tokensOfAnotherIssuerAreRefused() {
        ServiceAccountTokens elsewhere = new ServiceAccountTokens(CONFIG.withIssuer("https://elsewhere.example", List.of(TokenIssuerConfig.DEFAULT_ISSUER)),
            Clock.fixed(T0, ZoneOffset.UTC));
        String token = elsewhere.issue("team-a", SA, List.of(TokenIssuerConfig.DEFAULT_ISSUER), Duration.ofHours(1), null, null, null);
        assertThatThrownBy(() -> at(T0).verify(token, null)).hasMessage("token issuer is not accepted");
    }
}
