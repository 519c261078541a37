package dev.beluga.apiserver.bootstrap;

import dev.beluga.pki.CertificateAuthority;
import dev.beluga.pki.NodeToken;

import java.time.Duration;
import java.util.Objects;

/**
 * What the API server needs to let agents join by token: the CA bundle it serves at {@code /cacerts} (the bytes whose
 * SHA-256 the token carries), the CA that signs the agents' certificates, the token whose credentials it accepts, and
 * how long the certificates it signs are valid.
 *
 * @param caBundlePem the cluster CA certificate(s) in PEM, byte for byte as served and hashed
 * @param ca          the signing CA (its certificate is in the bundle)
 * @param token       the accepted token (user and secret; its hash must be the bundle's)
 * @param validity    validity of the certificates signed for agents
 */
public record NodeBootstrap(byte[] caBundlePem, CertificateAuthority ca, NodeToken token, Duration validity) {
    public NodeBootstrap {
        Objects.requireNonNull(caBundlePem, "caBundlePem");
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(validity, "validity");
        if (!token.matchesCa(caBundlePem)) throw new IllegalArgumentException("the token's CA hash is not the bundle's");
        caBundlePem = caBundlePem.clone();
    }

    @Override
    public byte[] caBundlePem() {
        return caBundlePem.clone();
    }
}
