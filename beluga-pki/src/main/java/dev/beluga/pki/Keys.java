package dev.beluga.pki;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;

/** Facts about keys: which signature algorithm a key signs with, whether two keys belong together, minimum sizes. */
final class Keys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Keys() {
    }

    /**
     * The JCA signature algorithm for certificates signed by {@code key}: SHA-256/384/512 with ECDSA by curve size,
     * SHA256withRSA for RSA.
     *
     * @throws IllegalArgumentException for other key types
     */
    static String signatureAlgorithm(PrivateKey key) {
        if (key instanceof ECKey ec) {
            int bits = ec.getParams().getOrder().bitLength();
            return bits <= 256 ? "SHA256withECDSA" : bits <= 384 ? "SHA384withECDSA" : "SHA512withECDSA";
        }
        if (key instanceof RSAKey) return "SHA256withRSA";
        throw new IllegalArgumentException("unsupported signing key algorithm " + key.getAlgorithm());
    }

    /** True when {@code publicKey} verifies what {@code privateKey} signs (checked with a random challenge). */
    static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
        if (!privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) return false;
        try {
            byte[] challenge = new byte[32];
            RANDOM.nextBytes(challenge);
            String algorithm = signatureAlgorithm(privateKey);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Rejects public keys too weak (or of a kind unknown) to certify: EC keys need at least 256 bits, RSA keys 2048.
     *
     * @throws IllegalArgumentException when the key is not acceptable
     */
    static void requireAcceptable(PublicKey key) {
        if (key instanceof ECKey ec) {
            int bits = ec.getParams().getOrder().bitLength();
            if (bits < 256) throw new IllegalArgumentException("EC key of " + bits + " bits is too small (minimum 256)");
        } else if (key instanceof RSAKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < 2048) throw new IllegalArgumentException("RSA key of " + bits + " bits is too small (minimum 2048)");
        } else {
            throw new IllegalArgumentException("unsupported public key algorithm " + key.getAlgorithm());
        }
    }
}
