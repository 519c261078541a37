package dev.beluga.agent.server;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Asks the API server (upstream's kubelet webhook authorizer): a {@code SubjectAccessReview} with the client's user
 * and groups and the request's attributes ({@code nodes/<subresource>} of this node). Answers are cached per user,
 * groups and attributes — allowed ones for {@link #ALLOWED_TTL}, refused ones for {@link #DENIED_TTL}, as the kubelet's
 * defaults — and the cache is bounded ({@value #MAX_ENTRIES} entries; when full, expired entries are dropped, then
 * everything). A failed review refuses the request and is not cached.
 *
 * <p>Threading: thread-safe; concurrent misses for one key may each ask the API server.
 */
public final class SubjectAccessReviewAuthorizer implements KubeletAuthorizer {
    private static final Logger log = LoggerFactory.getLogger(SubjectAccessReviewAuthorizer.class);
    public static final Duration ALLOWED_TTL = Duration.ofMinutes(5);
    public static final Duration DENIED_TTL = Duration.ofSeconds(30);
    static final int MAX_ENTRIES = 10_000;

    private record Key(String user, List<String> groups, KubeletRequestAttributes attributes) {
    }

    private record Entry(Decision decision, Instant expires) {
    }

    /** Sends a review, returns the answered one (the API server's status filled in). */
    @FunctionalInterface
    public interface Reviewer {
        SubjectAccessReview review(SubjectAccessReview request);
    }

    private final Reviewer reviewer;
    private final InstantSource clock;
    private final Map<Key, Entry> cache = new ConcurrentHashMap<>();

    public SubjectAccessReviewAuthorizer(Reviewer reviewer, InstantSource clock) {
        this.reviewer = reviewer;
        this.clock = clock;
    }

    /** Reviews through the agent's API client (its node identity may create subjectaccessreviews: system:node). */
    public static SubjectAccessReviewAuthorizer of(KubernetesClient client) {
        return new SubjectAccessReviewAuthorizer(r -> client.authorization().v1().subjectAccessReview().create(r), InstantSource.system());
    }

    @Override
    public Decision authorize(String user, List<String> groups, KubeletRequestAttributes a) {
        Key key = new Key(user, List.copyOf(groups), a);
        Instant now = clock.instant();
        Entry hit = cache.get(key);
        if (hit != null && now.isBefore(hit.expires())) return hit.decision();
        SubjectAccessReview request = new SubjectAccessReviewBuilder().withNewSpec().withUser(user).withGroups(groups)
            .withNewResourceAttributes().withVerb(a.verb()).withGroup("").withVersion("v1").withResource("nodes")
            .withSubresource(a.subresource()).withName(a.nodeName()).endResourceAttributes().endSpec().build();
        SubjectAccessReview answer;
        try {
            answer = reviewer.review(request);
        } catch (KubernetesClientException e) {
            log.warn("authorizing {} {} nodes/{}: the SubjectAccessReview failed: {}", user, a.verb(), a.subresource(), e.getMessage());
            return new Decision(false, "the SubjectAccessReview failed: " + e.getMessage());
        }
        boolean allowed = answer != null && answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
        String reason = answer != null && answer.getStatus() != null && answer.getStatus().getReason() != null ? answer.getStatus().getReason() : "";
        Decision d = new Decision(allowed, reason);
        if (cache.size() >= MAX_ENTRIES) {
            cache.values().removeIf(e -> !now.isBefore(e.expires()));
            if (cache.size() >= MAX_ENTRIES) cache.clear();
        }
        cache.put(key, new Entry(d, now.plus(allowed ? ALLOWED_TTL : DENIED_TTL)));
        return d;
    }
}
