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

    /**
     * True when {@code publicKey} verifies what {@code privateKey} signs (checked with a random challenge). Keys may
     * come from different JCA providers (a library in the same JVM may have registered Bouncy Castle, whose EC keys
     * call themselves "ECDSA"): names are compared by family, and a provider that refuses the other's key object is
     * retried with the JDK's own provider before the keys are declared unrelated.
     */
    static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
        if (!family(privateKey.getAlgorithm()).equals(family(publicKey.getAlgorithm()))) return false;
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        String algorithm = signatureAlgorithm(privateKey);
        try {
            return signAndVerify(algorithm, null, privateKey, publicKey, challenge);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            String jdk = privateKey instanceof ECKey ? "SunEC" : "SunRsaSign";
            try {
                return signAndVerify(algorithm, jdk, privateKey, publicKey, challenge);
            } catch (GeneralSecurityException | IllegalArgumentException again) {
                return false;
            }
        }
    }

    private static boolean signAndVerify(String algorithm, String provider, PrivateKey privateKey, PublicKey publicKey, byte[] challenge)
        throws GeneralSecurityException {
        Signature signer = provider == null ? Signature.getInstance(algorithm) : Signature.getInstance(algorithm, provider);
        signer.initSign(privateKey);
        signer.update(challenge);
        byte[] signature = signer.sign();
        Signature verifier = provider == null ? Signature.getInstance(algorithm) : Signature.getInstance(algorithm, provider);
        verifier.initVerify(publicKey);
        verifier.update(challenge);
        return verifier.verify(signature);
    }

    private static String family(String algorithm) {
        return "ECDSA".equalsIgnoreCase(algorithm) ? "EC" : algorithm.toUpperCase(java.util.Locale.ROOT);
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
