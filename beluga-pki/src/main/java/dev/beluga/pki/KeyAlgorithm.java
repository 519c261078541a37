package dev.beluga.pki;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;

/**
 * The kinds of key pair this package generates. {@link #EC_P256} is the default everywhere (as in k3s);
 * {@link #RSA_2048} is for peers that cannot use ECDSA. A CA issues leaf keys of the same kind as its own key.
 */
public enum KeyAlgorithm {
    /** ECDSA on NIST P-256 (secp256r1); certificates signed with SHA256withECDSA. */
    EC_P256("EC", new ECGenParameterSpec("secp256r1")),
    /** RSA with a 2048-bit modulus and exponent 65537; certificates signed with SHA256withRSA. */
    RSA_2048("RSA", new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4));

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String jcaName;
    private final AlgorithmParameterSpec parameters;

    KeyAlgorithm(String jcaName, AlgorithmParameterSpec parameters) {
        this.jcaName = jcaName;
        this.parameters = parameters;
    }

    /** A new key pair from the platform's default provider (so the keys work with the JDK's TLS). Thread-safe. */
    public KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(jcaName);
            generator.initialize(parameters, RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the platform cannot generate " + this + " keys", e);
        }
    }

    /**
     * The kind of {@code key} ("EC" keys map to {@link #EC_P256}, "RSA" keys to {@link #RSA_2048}).
     *
     * @throws IllegalArgumentException for any other algorithm
     */
    static KeyAlgorithm like(Key key) {
        return switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> EC_P256;
            case "RSA" -> RSA_2048;
            default -> throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm());
        };
    }
}
