package dev.beluga.pki;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The key pair that signs service-account tokens (k3s's {@code service.key}, kube-apiserver's
 * {@code --service-account-signing-key-file}): one PEM private key file, {@value #FILE}, beside the cluster CA in the
 * server's TLS directory, made at first start (EC P-256, mode 0600, traditional encoding with the public point) and
 * never replaced — replacing it would invalidate every token handed out. Every API server of one cluster must use the
 * same file, exactly as they must share {@code ca.crt}/{@code ca.key} (see docs/agent.md, "Joining a cluster").
 *
 * @param keyId the JWS {@code kid}: unpadded base64url of the SHA-256 of the public key's DER (as kube-apiserver)
 */
public record ServiceAccountKey(KeyPair keyPair, String keyId) {
    private static final Logger log = LoggerFactory.getLogger(ServiceAccountKey.class);

    /** The file name in the TLS directory. */
    public static final String FILE = "service.key";

    /** A key pair with its key id. */
    public static ServiceAccountKey of(KeyPair pair) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(pair.getPublic().getEncoded());
            return new ServiceAccountKey(pair, Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh key that lives only in memory (tests; API servers started without a TLS directory). */
    public static ServiceAccountKey ephemeral() {
        return of(KeyAlgorithm.EC_P256.generate());
    }

    /**
     * Loads {@code <dir>/service.key}, creating it when absent. Not locked here: {@link ClusterPki#loadOrCreate} calls
     * it under the directory's lock.
     *
     * @throws IOException when the file cannot be read or written, or holds no EC or RSA private key
     */
    public static ServiceAccountKey loadOrCreate(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (Files.exists(file)) {
            try {
                return of(Pem.keyPair(Files.readString(file)));
            } catch (IllegalArgumentException e) {
                throw new IOException("cannot load the service-account signing key " + file + ": " + e.getMessage()
                    + "; it is never replaced (every token would become invalid), restore it", e);
            }
        }
        KeyPair pair = KeyAlgorithm.EC_P256.generate();
        SecureFiles.writeSecret(file, Pem.encodeTraditionalPrivateKey(pair.getPrivate()));
        log.info("created the service-account signing key {}", file);
        return of(pair);
    }
}
