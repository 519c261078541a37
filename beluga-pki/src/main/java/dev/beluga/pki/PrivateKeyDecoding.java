package dev.beluga.pki;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.KeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Map;

/**
 * Private keys from their DER encodings with the JDK's own providers (no crypto library): PKCS#8 PrivateKeyInfo
 * (RFC 5208; EC, RSA, Ed25519/Ed448, X25519/X448), SEC 1 ECPrivateKey (RFC 5915; the curve must be named in the key)
 * and PKCS#1 RSAPrivateKey (RFC 8017). Malformed or unsupported keys raise {@link IllegalArgumentException}.
 * Stateless; thread-safe.
 */
final class PrivateKeyDecoding {
    static final String EC_PUBLIC_KEY = "1.2.840.10045.2.1", RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
    private static final Map<String, String> PKCS8_ALGORITHMS = Map.of(EC_PUBLIC_KEY, "EC", RSA_ENCRYPTION, "RSA",
        "1.3.101.112", "Ed25519", "1.3.101.113", "Ed448", "1.3.101.110", "X25519", "1.3.101.111", "X448");

    private PrivateKeyDecoding() {
    }

    /** A PKCS#8 PrivateKeyInfo. */
    static PrivateKey pkcs8(byte[] der) {
        DerReader info = new DerReader(der).next(DerReader.SEQUENCE).reader();
        info.next(DerReader.INTEGER);
        String algorithm = info.next(DerReader.SEQUENCE).reader().next().oid();
        String jca = PKCS8_ALGORITHMS.get(algorithm);
        if (jca == null) throw new IllegalArgumentException("unsupported private key algorithm " + algorithm);
        return generate(jca, new PKCS8EncodedKeySpec(der));
    }

    /** A SEC 1 ECPrivateKey whose parameters name the curve. */
    static PrivateKey sec1(byte[] der) {
        DerReader key = new DerReader(der).next(DerReader.SEQUENCE).reader();
        if (!BigInteger.ONE.equals(key.next(DerReader.INTEGER).integer()))
            throw new IllegalArgumentException("unsupported EC private key version");
        BigInteger s = new BigInteger(1, key.next(DerReader.OCTET_STRING).contents());
        if (key.peekTag() != 0xA0) throw new IllegalArgumentException("the EC private key does not name its curve");
        String curve = key.next().reader().next().oid();
        return generate("EC", new ECPrivateKeySpec(s, curveParameters(curve)));
    }

    /**
     * The key pair of a SEC 1 ECPrivateKey: the public key is the point inside it, or computed (with Bouncy Castle,
     * {@link EcPublicPoints}) when it has none.
     */
    static KeyPair sec1Pair(byte[] der) {
        PrivateKey key = sec1(der);
        DerReader fields = new DerReader(der).next(DerReader.SEQUENCE).reader();
        fields.next(DerReader.INTEGER);
        BigInteger s = new BigInteger(1, fields.next(DerReader.OCTET_STRING).contents());
        String curve = fields.next(0xA0).reader().next().oid();
        byte[] point = fields.peekTag() == 0xA1 ? fields.next().reader().next(DerReader.BIT_STRING).bitString()
            : EcPublicPoints.uncompressed(curve, s);
        ECParameterSpec params = curveParameters(curve);
        int size = (params.getCurve().getField().getFieldSize() + 7) / 8;
        if (point.length != 1 + 2 * size || point[0] != 4) throw new IllegalArgumentException("unsupported EC public point encoding");
        ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(point, 1, 1 + size)), new BigInteger(1, Arrays.copyOfRange(point, 1 + size, point.length)));
        return new KeyPair(generatePublic("EC", new ECPublicKeySpec(w, params)), key);
    }

    /** A PKCS#1 RSAPrivateKey (two primes). */
    static PrivateKey pkcs1(byte[] der) {
        BigInteger[] v = pkcs1Fields(der);
        return generate("RSA", new RSAPrivateCrtKeySpec(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]));
    }

    /** The key pair of a PKCS#1 RSAPrivateKey: the public key is its modulus and public exponent. */
    static KeyPair pkcs1Pair(byte[] der) {
        BigInteger[] v = pkcs1Fields(der);
        return new KeyPair(generatePublic("RSA", new RSAPublicKeySpec(v[0], v[1])), pkcs1(der));
    }

    private static BigInteger[] pkcs1Fields(byte[] der) {
        DerReader key = new DerReader(der).next(DerReader.SEQUENCE).reader();
        if (key.next(DerReader.INTEGER).integer().signum() != 0)
            throw new IllegalArgumentException("unsupported RSA private key version (multi-prime)");
        BigInteger[] v = new BigInteger[8];
        for (int i = 0; i < v.length; i++) v[i] = key.next(DerReader.INTEGER).integer();
        return v;
    }

    /**
     * The JDK's parameters of the named curve {@code oid}.
     *
     * @throws IllegalArgumentException when the JDK does not know the curve
     */
    static ECParameterSpec curveParameters(String oid) {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec(oid));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("unsupported EC curve " + oid, e);
        }
    }

    private static PublicKey generatePublic(String algorithm, KeySpec spec) {
        try {
            return KeyFactory.getInstance(algorithm).generatePublic(spec);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("malformed " + algorithm + " public key: " + e.getMessage(), e);
        }
    }

    private static PrivateKey generate(String algorithm, KeySpec spec) {
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(spec);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("malformed " + algorithm + " private key: " + e.getMessage(), e);
        }
    }
}
