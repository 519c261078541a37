package dev.beluga.agent.pods;

import dev.beluga.agent.volumes.TokenSource;
import dev.beluga.agent.volumes.VolumeException;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kubelet's service-account token manager: tokens from the TokenRequest API
 * ({@code POST .../serviceaccounts/NAME/token}), bound to the pod (the API server adds the node), cached per
 * (pod uid, service account, audience, expirationSeconds) and renewed once 80% of their lifetime has passed or they
 * are 24 hours old, as upstream. While the API cannot be reached, a cached token that has not expired is still
 * returned; otherwise the failure is {@code failed to fetch token: ...}.
 *
 * <p>Thread-safe. Calls for one pod come serialized from {@link dev.beluga.agent.volumes.PodVolumes}; two calls for one
 * key at once may both fetch, and the later token wins (both are valid). {@link #forget} drops a removed pod's tokens;
 * expired entries are dropped whenever a token is fetched.
 */
public final class ApiTokenSource implements TokenSource {
    /** Upstream's cap on how long a cached token is used, whatever its lifetime. */
    static final Duration MAX_TTL = Duration.ofHours(24);
    /** The API's default lifetime when the projection names none. */
    static final long DEFAULT_EXPIRATION_SECONDS = 3600;

    /** Sends a TokenRequest for ServiceAccount {@code namespace/name}; the seam unit tests fill with a fake. */
    @FunctionalInterface
    public interface Fetcher {
        TokenRequest request(String namespace, String serviceAccount, TokenRequest request);
    }

    private record Key(String podUid, String serviceAccount, String audience, long expirationSeconds) {
    }

    private record Entry(String token, Instant issued, Instant expiry) {
        boolean needsRenewal(Instant now) {
            if (!now.isBefore(expiry) || !now.isBefore(issued.plus(MAX_TTL))) return true;
            Duration lifetime = Duration.between(issued, expiry);
            return !now.isBefore(issued.plus(lifetime.multipliedBy(8).dividedBy(10)));
        }
    }

    private final Fetcher fetcher;
    private final Clock clock;
    private final Map<Key, Entry> cache = new ConcurrentHashMap<>();

    public ApiTokenSource(Fetcher fetcher, Clock clock) {
        this.fetcher = fetcher;
        this.clock = clock;
    }

    /** Fetching through {@code client} (the node's credentials). */
    public static ApiTokenSource over(KubernetesClient client, Clock clock) {
        return new ApiTokenSource((ns, sa, request) -> client.serviceAccounts().inNamespace(ns).withName(sa).tokenRequest(request), clock);
    }

    @Override
    public String token(Pod pod, ServiceAccountTokenProjection projection) throws VolumeException {
        String sa = pod.getSpec().getServiceAccountName();
        if (sa == null || sa.isEmpty()) sa = "default";
        long seconds = projection.getExpirationSeconds() == null ? DEFAULT_EXPIRATION_SECONDS : projection.getExpirationSeconds();
        String audience = projection.getAudience() == null ? "" : projection.getAudience();
        Key key = new Key(pod.getMetadata().getUid(), sa, audience, seconds);
        Instant now = clock.instant();
        Entry cached = cache.get(key);
        if (cached != null && !cached.needsRenewal(now)) return cached.token();
        TokenRequest request = new TokenRequestBuilder().withNewSpec()
            .withAudiences(audience.isEmpty() ? List.of() : List.of(audience)).withExpirationSeconds(seconds)
            .withNewBoundObjectRef().withApiVersion("v1").withKind("Pod").withName(pod.getMetadata().getName())
            .withUid(pod.getMetadata().getUid()).endBoundObjectRef().endSpec().build();
        try {
            TokenRequest answer = fetcher.request(pod.getMetadata().getNamespace(), sa, request);
            String token = answer.getStatus() == null ? null : answer.getStatus().getToken();
            if (token == null || token.isEmpty()) throw new VolumeException("failed to fetch token: the API server answered without a token");
            Instant expiry = answer.getStatus().getExpirationTimestamp() == null ? now.plusSeconds(seconds)
                : Instant.parse(answer.getStatus().getExpirationTimestamp());
            cache.entrySet().removeIf(e -> !now.isBefore(e.getValue().expiry()));
            cache.put(key, new Entry(token, now, expiry));
            return token;
        } catch (KubernetesClientException | VolumeException e) {
            if (cached != null && now.isBefore(cached.expiry())) return cached.token();
            if (e instanceof VolumeException v) throw v;
            KubernetesClientException k = (KubernetesClientException) e;
            String detail = k.getStatus() != null && k.getStatus().getMessage() != null ? k.getStatus().getMessage() : k.getMessage();
            throw new VolumeException("failed to fetch token: " + detail, e);
        }
    }

    /** Drops every token of the pod (it was removed from the node). */
    public void forget(String podUid) {
        cache.keySet().removeIf(k -> k.podUid().equals(podUid));
    }

    /** How many tokens are cached (for tests). */
    int size() {
        return cache.size();
    }
}
