package dev.beluga.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/** A certificate with its private key and the chain up to (and including) the CA. */
public record IssuedCertificate(X509Certificate certificate, PrivateKey key, List<X509Certificate> chain) {

    public String certificatePem() {
        return Pem.encode(certificate);
    }

    public String keyPem() {
        return Pem.encode(key);
    }

    public boolean expiresBefore(Instant t) {
        return certificate.getNotAfter().toInstant().isBefore(t);
    }
}
