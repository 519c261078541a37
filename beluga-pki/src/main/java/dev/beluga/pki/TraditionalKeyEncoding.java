package dev.beluga.pki;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.util.Optional;

import static dev.beluga.pki.DerWriter.bitString;
import static dev.beluga.pki.DerWriter.element;
import static dev.beluga.pki.DerWriter.integer;
import static dev.beluga.pki.DerWriter.octetString;
import static dev.beluga.pki.DerWriter.oid;
import static dev.beluga.pki.DerWriter.sequence;
import static dev.beluga.pki.DerWriter.unsigned;

/**
 * The traditional OpenSSL encodings of private keys: SEC 1 "EC PRIVATE KEY" and PKCS#1 "RSA PRIVATE KEY".
 *
 * <p>Why not PKCS#8 everywhere: fabric8's kubeconfig loader does not read EC keys in PKCS#8, and the Kubernetes
 * client-java needs the public point inside an EC key, which the JDK's PKCS#8 encoding leaves out; so EC keys are
 * written with the curve named and the public point included: the one inside the PKCS#8 key if any, else the given
 * public key once it is checked to belong to the private key, else computed (Q = d·G, with Bouncy Castle, see
 * {@link EcPublicPoints}). Everything else is the JDK's own encoding rewrapped, so Bouncy Castle is not loaded when
 * the public key is known.
 */
final class TraditionalKeyEncoding {
    private TraditionalKeyEncoding() {
    }

    /** The PEM text of {@code key} in traditional form, or empty when the key is neither RSA nor EC on a named curve. */
    static Optional<String> encode(PrivateKey key) {
        return encode(key, null);
    }

    /**
     * As {@link #encode(PrivateKey)}; {@code publicKey} (may be null) supplies an EC key's public point when it is the
     * private key's.
     */
    static Optional<String> encode(PrivateKey key, PublicKey publicKey) {
        if (key.getEncoded() == null || !"PKCS#8".equals(key.getFormat())) return Optional.empty();
        try {
            DerReader info = new DerReader(key.getEncoded()).next(DerReader.SEQUENCE).reader();
            info.next(DerReader.INTEGER);
            DerReader algorithm = info.next(DerReader.SEQUENCE).reader();
            String oid = algorithm.next().oid();
            byte[] inner = info.next(DerReader.OCTET_STRING).contents();
            if (oid.equals(PrivateKeyDecoding.RSA_ENCRYPTION)) return Optional.of(Pem.block("RSA PRIVATE KEY", inner));
            if (!oid.equals(PrivateKeyDecoding.EC_PUBLIC_KEY) || algorithm.peekTag() != DerReader.OID) return Optional.empty();
            String curve = algorithm.next().oid();
            ECParameterSpec params;
            try {
                params = PrivateKeyDecoding.curveParameters(curve);
            } catch (IllegalArgumentException unknownCurve) {
                return Optional.empty();
            }
            DerReader sec1 = new DerReader(inner).next(DerReader.SEQUENCE).reader();
            sec1.next(DerReader.INTEGER);
            BigInteger d = new BigInteger(1, sec1.next(DerReader.OCTET_STRING).contents());
            byte[] point = null;
            while (sec1.hasMore()) {
                DerReader.Element e = sec1.next();
                if (e.tag() == 0xA1) point = e.reader().next(DerReader.BIT_STRING).bitString();
            }
            if (point == null && publicKey instanceof ECPublicKey ec && Keys.matches(key, publicKey)) point = uncompressed(ec.getW(), params);
            if (point == null) point = EcPublicPoints.uncompressed(curve, d);
            byte[] sec1Key = sequence(integer(BigInteger.ONE), octetString(unsigned(d, (params.getOrder().bitLength() + 7) / 8)),
                element(0xA0, oid(curve)), element(0xA1, bitString(point)));
            return Optional.of(Pem.block("EC PRIVATE KEY", sec1Key));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot encode the private key: " + e.getMessage(), e);
        }
    }

    private static byte[] uncompressed(ECPoint w, ECParameterSpec params) {
        int size = (params.getCurve().getField().getFieldSize() + 7) / 8;
        byte[] x = unsigned(w.getAffineX(), size), y = unsigned(w.getAffineY(), size);
        byte[] out = new byte[1 + 2 * size];
        out[0] = 4;
        System.arraycopy(x, 0, out, 1, size);
        System.arraycopy(y, 0, out, 1 + size, size);
        return out;
    }
}
