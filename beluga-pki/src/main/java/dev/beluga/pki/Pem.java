package dev.beluga.pki;

import org.bouncycastle.pkcs.PKCS10CertificationRequest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * PEM (RFC 7468) text for certificates, private keys and PKCS#10 certificate requests.
 *
 * <p>Writing: certificates as "CERTIFICATE", requests as "CERTIFICATE REQUEST", private keys either as PKCS#8
 * "PRIVATE KEY" ({@link #encodePrivateKey}) or in the traditional OpenSSL form, "EC PRIVATE KEY" (SEC 1, with the
 * curve named and the public point included) or "RSA PRIVATE KEY" (PKCS#1) ({@link #encodeTraditionalPrivateKey}).
 * Lines are 64 characters, ending in {@code \n}.
 *
 * <p>Reading: blocks of other types are skipped (so a certificate can be read from a file that also holds its key);
 * private keys are read from "PRIVATE KEY", "EC PRIVATE KEY" and "RSA PRIVATE KEY"; encrypted keys are refused.
 * Malformed input raises {@link IllegalArgumentException}. Keys and certificates come from the platform's default
 * providers, read without Bouncy Castle (which only certificate requests need, and an EC key written or paired without
 * its public point: see {@link TraditionalKeyEncoding}). All methods are thread-safe.
 */
public final class Pem {
    private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(64, new byte[] {'\n'});

    private Pem() {
    }

    /** One certificate as a "CERTIFICATE" block. */
    public static String encodeCertificate(X509Certificate certificate) {
        try {
            return block("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot encode certificate: " + e.getMessage(), e);
        }
    }

    /** Certificates as consecutive "CERTIFICATE" blocks, in order (leaf first for a chain). */
    public static String encodeCertificates(List<? extends X509Certificate> certificates) {
        StringBuilder out = new StringBuilder();
        for (X509Certificate c : certificates) out.append(encodeCertificate(c));
        return out.toString();
    }

    /** A private key as an unencrypted PKCS#8 "PRIVATE KEY" block. */
    public static String encodePrivateKey(PrivateKey key) {
        byte[] der = key.getEncoded();
        if (der == null || !"PKCS#8".equals(key.getFormat()))
            throw new IllegalArgumentException("the key cannot be exported in PKCS#8 form");
        return block("PRIVATE KEY", der);
    }

    /**
     * A private key in the traditional OpenSSL form that kubeadm and k3s write and every Kubernetes client reads:
     * "EC PRIVATE KEY" for keys on named curves, "RSA PRIVATE KEY" for RSA; other keys as PKCS#8.
     */
    public static String encodeTraditionalPrivateKey(PrivateKey key) {
        return TraditionalKeyEncoding.encode(key).orElseGet(() -> encodePrivateKey(key));
    }

    /** A PKCS#10 request as a "CERTIFICATE REQUEST" block. */
    public static String encodeCertificateRequest(PKCS10CertificationRequest request) {
        try {
            return block("CERTIFICATE REQUEST", request.getEncoded());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode certificate request: " + e.getMessage(), e);
        }
    }

    /**
     * Every certificate in {@code pem} ("CERTIFICATE" or "X509 CERTIFICATE" blocks), in order.
     *
     * @throws IllegalArgumentException when there is none or a block is malformed
     */
    public static List<X509Certificate> certificates(String pem) {
        List<X509Certificate> out = new ArrayList<>();
        for (PemBlocks.Block block : blocks(pem, "certificate")) {
            if (!block.type().equals("CERTIFICATE") && !block.type().equals("X509 CERTIFICATE")) continue;
            try {
                out.add((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(block.der())));
            } catch (CertificateException e) {
                throw new IllegalArgumentException("malformed certificate: " + e.getMessage(), e);
            }
        }
        if (out.isEmpty()) throw new IllegalArgumentException("no certificate in PEM data");
        return List.copyOf(out);
    }

    /** {@link #certificates(String)} of UTF-8 (ASCII) bytes. */
    public static List<X509Certificate> certificates(byte[] pem) {
        return certificates(text(pem));
    }

    /** The first certificate in {@code pem}. */
    public static X509Certificate certificate(String pem) {
        return certificates(pem).getFirst();
    }

    /**
     * The first private key in {@code pem} ("PRIVATE KEY", "EC PRIVATE KEY" or "RSA PRIVATE KEY"), read with the JDK's
     * own providers.
     *
     * @throws IllegalArgumentException when there is none, it is encrypted, or it is malformed
     */
    public static PrivateKey privateKey(String pem) {
        for (PemBlocks.Block block : keyBlocks(pem)) {
            try {
                switch (block.type()) {
                    case "PRIVATE KEY": return PrivateKeyDecoding.pkcs8(block.der());
                    case "EC PRIVATE KEY": return PrivateKeyDecoding.sec1(block.der());
                    case "RSA PRIVATE KEY": return PrivateKeyDecoding.pkcs1(block.der());
                    default: break;
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("malformed private key: " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("no private key in PEM data");
    }

    /**
     * The key pair of the first private key in {@code pem}: the public key is the one inside a traditional key (SEC 1,
     * PKCS#1), or computed from the private key (Q = d·G for EC; modulus and public exponent for RSA) for PKCS#8.
     *
     * @throws IllegalArgumentException as {@link #privateKey(String)}, or when the key is neither EC nor RSA
     */
    public static KeyPair keyPair(String pem) {
        for (PemBlocks.Block block : keyBlocks(pem)) {
            try {
                switch (block.type()) {
                    case "EC PRIVATE KEY": return PrivateKeyDecoding.sec1Pair(block.der());
                    case "RSA PRIVATE KEY": return PrivateKeyDecoding.pkcs1Pair(block.der());
                    case "PRIVATE KEY": {
                        String traditional = TraditionalKeyEncoding.encode(PrivateKeyDecoding.pkcs8(block.der()))
                            .orElseThrow(() -> new IllegalArgumentException("unsupported private key: neither RSA nor EC on a named curve"));
                        return keyPair(traditional);
                    }
                    default: break;
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("malformed private key: " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("no private key in PEM data");
    }

    /** {@link #privateKey(String)} of UTF-8 (ASCII) bytes. */
    public static PrivateKey privateKey(byte[] pem) {
        return privateKey(text(pem));
    }

    /**
     * The first PKCS#10 request in {@code pem} ("CERTIFICATE REQUEST" or "NEW CERTIFICATE REQUEST"); its signature is
     * not checked here.
     *
     * @throws IllegalArgumentException when there is none or it is malformed
     */
    public static PKCS10CertificationRequest certificateRequest(String pem) {
        for (PemBlocks.Block block : blocks(pem, "certificate request")) {
            if (!block.type().equals("CERTIFICATE REQUEST") && !block.type().equals("NEW CERTIFICATE REQUEST")) continue;
            try {
                return new PKCS10CertificationRequest(block.der());
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("malformed certificate request: " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("no certificate request in PEM data");
    }

    /** {@link #certificateRequest(String)} of UTF-8 (ASCII) bytes. */
    public static PKCS10CertificationRequest certificateRequest(byte[] pem) {
        return certificateRequest(text(pem));
    }

    /** One PEM block of {@code type} around {@code der}. */
    static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + BASE64.encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static List<PemBlocks.Block> blocks(String pem, String what) {
        try {
            return PemBlocks.parse(pem);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed PEM data where a " + what + " was expected: " + e.getMessage(), e);
        }
    }

    /** The blocks of {@code pem}, refusing encrypted keys. */
    private static List<PemBlocks.Block> keyBlocks(String pem) {
        List<PemBlocks.Block> blocks = blocks(pem, "private key");
        for (PemBlocks.Block block : blocks) {
            if (block.type().equals("ENCRYPTED PRIVATE KEY") || block.encrypted() && block.type().endsWith("PRIVATE KEY"))
                throw new IllegalArgumentException("encrypted private keys are not supported");
            if (block.type().endsWith("PRIVATE KEY")) break;
        }
        return blocks;
    }

    private static String text(byte[] pem) {
        return new String(Objects.requireNonNull(pem, "pem"), StandardCharsets.UTF_8);
    }
}
