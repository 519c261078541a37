package dev.beluga.pki;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;

import java.math.BigInteger;

/**
 * The public point of an EC private key, Q = d·G, computed with Bouncy Castle: the one thing about keys the JDK cannot
 * do. Kept apart so that Bouncy Castle is loaded only when a key is written without its public key at hand.
 * Stateless; thread-safe.
 */
final class EcPublicPoints {
    private EcPublicPoints() {
    }

    /**
     * The uncompressed encoding (0x04, X, Y) of d·G on the named curve {@code curveOid}.
     *
     * @throws IllegalArgumentException when the curve is unknown
     */
    static byte[] uncompressed(String curveOid, BigInteger d) {
        X9ECParameters params = ECNamedCurveTable.getByOID(new ASN1ObjectIdentifier(curveOid));
        if (params == null) throw new IllegalArgumentException("unknown EC curve " + curveOid);
        return params.getG().multiply(d).normalize().getEncoded(false);
    }
}
