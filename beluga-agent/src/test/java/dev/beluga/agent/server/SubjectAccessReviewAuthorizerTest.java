package dev.beluga.agent.server;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SubjectAccessReviewAuthorizerTest {
    private final List<SubjectAccessReview> asked = new ArrayList<>();
    private final Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
    private boolean answer = true;
    private boolean failing;

    private final SubjectAccessReviewAuthorizer authorizer = new SubjectAccessReviewAuthorizer(r -> {
        if (failing) throw new KubernetesClientException("connection refused");
        asked.add(r);
        r.setStatus(new SubjectAccessReviewStatusBuilder().withAllowed(answer).withReason(answer ? "ok" : "").build());
        return r;
    }, () -> now[0]);

    private KubeletAuthorizer.Decision ask(String user) {
        return authorizer.authorize(user, List.of("g", "system:authenticated"), KubeletRequestAttributes.of("GET", "/stats/summary", "n1"));
    }

    @Test
    void asksWithTheUserAndTheNodeSubresource() {
        assertThat(ask("u").allowed()).isTrue();
        var spec = asked.getFirst().getSpec();
        assertThat(spec.getUser()).isEqualTo("u");
        assertThat(spec.getGroups()).containsExactly("g", "system:authenticated");
        assertThat(spec.getResourceAttributes().getResource()).isEqualTo("nodes");
        assertThat(spec.getResourceAttributes().getSubresource()).isEqualTo("stats");
        assertThat(spec.getResourceAttributes().getName()).isEqualTo("n1");
        assertThat(spec.getResourceAttributes().getVerb()).isEqualTo("get");
    }

    @Test
    void allowedAnswersAreCachedForFiveMinutes() {
        assertThat(ask("u").allowed()).isTrue();
        answer = false;
        now[0] = now[0].plus(Duration.ofMinutes(4));
        assertThat(ask("u").allowed()).isTrue();
        assertThat(asked).hasSize(1);
        now[0] = now[0].plus(Duration.ofMinutes(1));
        assertThat(ask("u").allowed()).isFalse();
        assertThat(asked).hasSize(2);
        assertThat(ask("v").allowed()).isFalse(); // another user is another question
        assertThat(asked).hasSize(3);
    }

    @Test
    void refusalsAreCachedForThirtySecondsAndFailuresNotAtAll() {
        answer = false;
        assertThat(ask("u").allowed()).isFalse();
        answer = true;
        now[0] = now[0].plus(Duration.ofSeconds(29));
        assertThat(ask("u").allowed()).isFalse();
        now[0] = now[0].plus(Duration.ofSeconds(1));
        assertThat(ask("u").allowed()).isTrue();
        assertThat(asked).hasSize(2);
        failing = true;
        assertThat(ask("w").allowed()).isFalse();
        failing = false;
        assertThat(ask("w").allowed()).isTrue();
    }
}
