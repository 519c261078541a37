package dev.beluga.apiserver.serviceaccount;

import dev.beluga.pki.ServiceAccountKey;

import java.util.List;
import java.util.function.Supplier;

/**
 * How service-account tokens are made and accepted (kube-apiserver's {@code --service-account-issuer},
 * {@code --api-audiences}, {@code --service-account-signing-key-file}).
 *
 * @param issuer       the {@code iss} of tokens made here and the only one accepted
 * @param apiAudiences the audiences the API server identifies as: a token must name one of them; a TokenRequest
 *                     without audiences gets them all
 * @param key          the signing key; called once, when first needed (it may still be in the making at start)
 */
public record TokenIssuerConfig(String issuer, List<String> apiAudiences, Supplier<ServiceAccountKey> key) {
    /** Upstream's usual issuer (kubeadm, k3s) and therefore the default audience. */
    public static final String DEFAULT_ISSUER = "https://kubernetes.default.svc.cluster.local";

    public TokenIssuerConfig {
        if (issuer == null || issuer.isBlank()) throw new IllegalArgumentException("the service-account issuer must not be empty");
        apiAudiences = apiAudiences == null || apiAudiences.isEmpty() ? List.of(issuer) : List.copyOf(apiAudiences);
        Supplier<ServiceAccountKey> source = key;
        key = new Supplier<>() {
            private volatile ServiceAccountKey loaded;

            @Override
            public ServiceAccountKey get() {
                ServiceAccountKey k = loaded;
                if (k == null) {
                    synchronized (this) {
                        if (loaded == null) loaded = source.get();
                        k = loaded;
                    }
                }
                return k;
            }
        };
    }

    /** The default issuer and audience with a key made now that lives in memory only (tests). */
    public static TokenIssuerConfig ephemeral() {
        ServiceAccountKey k = ServiceAccountKey.ephemeral();
        return new TokenIssuerConfig(DEFAULT_ISSUER, List.of(), () -> k);
    }

    /** The same with another issuer (and its audiences: the issuer unless {@code audiences} are given). */
    public TokenIssuerConfig withIssuer(String newIssuer, List<String> audiences) {
        return new TokenIssuerConfig(newIssuer, audiences, key);
    }
}
