package dev.beluga.agent.pods;

import dev.beluga.agent.volumes.VolumeException;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestStatus;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The token manager's cache and renewal rules, over a FAKE TokenRequest API and a clock the test moves. */
class ApiTokenSourceTest {
    private static final Instant T0 = new BackoffTest.ManualClock().now;

    /** A FAKE TokenRequest API: numbered tokens valid for the requested time, or a failure when told. */
    static final class FakeApi implements ApiTokenSource.Fetcher {
        final BackoffTest.ManualClock clock;
        final List<TokenRequest> requests = new ArrayList<>();
        boolean down;

        FakeApi(BackoffTest.ManualClock clock) {
            this.clock = clock;
        }

        @Override
        public TokenRequest request(String namespace, String serviceAccount, TokenRequest request) {
            if (down) throw new KubernetesClientException(new StatusBuilder().withCode(503).withMessage("the server is unavailable").build());
            requests.add(request);
            TokenRequest answer = new TokenRequest();
            answer.setSpec(request.getSpec());
            answer.setStatus(new TokenRequestStatus(clock.now.plusSeconds(request.getSpec().getExpirationSeconds()).toString(),
                namespace + "/" + serviceAccount + "#" + requests.size()));
            return answer;
        }
    }

    private final BackoffTest.ManualClock clock = new BackoffTest.ManualClock();
    private final FakeApi api = new FakeApi(clock);
    private final ApiTokenSource tokens = new ApiTokenSource(api, clock);

    private static Pod pod(String uid) {
        return new PodBuilder().withNewMetadata().withName("web").withNamespace("team").withUid(uid).endMetadata()
            .withNewSpec().withServiceAccountName("builder").endSpec().build();
    }

    private static ServiceAccountTokenProjection projection(String audience, Long seconds) {
        return new ServiceAccountTokenProjection(audience, seconds, "token");
    }

    @Test
    void theTokenIsBoundToThePodAndCachedUntil80PercentOfItsLifetime() throws Exception {
        assertThat(tokens.token(pod("u1"), projection(null, 3607L))).isEqualTo("team/builder#1");
        TokenRequest sent = api.requests.getFirst();
        assertThat(sent.getSpec().getBoundObjectRef().getKind()).isEqualTo("Pod");
        assertThat(sent.getSpec().getBoundObjectRef().getName()).isEqualTo("web");
        assertThat(sent.getSpec().getBoundObjectRef().getUid()).isEqualTo("u1");
        assertThat(sent.getSpec().getAudiences()).isEmpty();
        assertThat(sent.getSpec().getExpirationSeconds()).isEqualTo(3607L);

        clock.now = T0.plusSeconds(2885); // just under 80% of 3607 s
        assertThat(tokens.token(pod("u1"), projection(null, 3607L))).isEqualTo("team/builder#1");
        clock.now = T0.plusSeconds(2886);
        assertThat(tokens.token(pod("u1"), projection(null, 3607L))).isEqualTo("team/builder#2");
        assertThat(api.requests).hasSize(2);
    }

    @Test
    void eachPodAudienceAndLifetimeHasItsOwnToken() throws Exception {
        tokens.token(pod("u1"), projection(null, 3607L));
        tokens.token(pod("u2"), projection(null, 3607L));
        tokens.token(pod("u1"), projection("vault", 3607L));
        tokens.token(pod("u1"), projection(null, null));
        assertThat(api.requests).hasSize(4);
        assertThat(api.requests.get(2).getSpec().getAudiences()).containsExactly("vault");
        assertThat(api.requests.get(3).getSpec().getExpirationSeconds()).isEqualTo(3600L);
        tokens.forget("u1");
        assertThat(tokens.size()).isEqualTo(1);
    }

    @Test
    void longLivedTokensAreRenewedAfter24Hours() throws Exception {
        long week = Duration.ofDays(7).toSeconds();
        tokens.token(pod("u1"), projection(null, week));
        clock.now = T0.plus(Duration.ofHours(24)).minusSeconds(1);
        assertThat(tokens.token(pod("u1"), projection(null, week))).endsWith("#1");
        clock.now = T0.plus(Duration.ofHours(24));
        assertThat(tokens.token(pod("u1"), projection(null, week))).endsWith("#2");
    }

    @Test
    void aValidCachedTokenOutlivesAnUnreachableApiButAnExpiredOneDoesNot() throws Exception {
        tokens.token(pod("u1"), projection(null, 600L));
        api.down = true;
        clock.now = T0.plusSeconds(590);
        assertThat(tokens.token(pod("u1"), projection(null, 600L))).endsWith("#1");
        clock.now = T0.plusSeconds(600);
        assertThatThrownBy(() -> tokens.token(pod("u1"), projection(null, 600L)))
            .isInstanceOf(VolumeException.class).hasMessage("failed to fetch token: the server is unavailable");
    }
}
