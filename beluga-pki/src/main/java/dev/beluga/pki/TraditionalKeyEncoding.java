package dev.beluga.pki;

import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

import java.io.IOException;
import java.security.PrivateKey;
import java.util.Optional;

/**
 * The traditional OpenSSL encodings of private keys: SEC 1 "EC PRIVATE KEY" and PKCS#1 "RSA PRIVATE KEY".
 *
 * <p>Why not PKCS#8 everywhere: fabric8's kubeconfig loader does not read EC keys in PKCS#8, and the Kubernetes
 * client-java needs the public point inside an EC key, which the JDK's PKCS#8 encoding leaves out; so EC keys are
 * written with the curve named and the public point computed (Q = d·G) when absent.
 */
final class TraditionalKeyEncoding {
    private TraditionalKeyEncoding() {
    }

    /** The PEM text of {@code key} in traditional form, or empty when the key is neither RSA nor EC on a named curve. */
    static Optional<String> encode(PrivateKey key) {
        if (key.getEncoded() == null || !"PKCS#8".equals(key.getFormat())) return Optional.empty();
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
            AlgorithmIdentifier algorithm = info.getPrivateKeyAlgorithm();
            if (algorithm.getAlgorithm().equals(PKCSObjectIdentifiers.rsaEncryption))
                return Optional.of(Pem.block("RSA PRIVATE KEY", info.parsePrivateKey().toASN1Primitive().getEncoded(ASN1Encoding.DER)));
            if (algorithm.getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey)
                && algorithm.getParameters() instanceof ASN1ObjectIdentifier curve) {
                X9ECParameters params = ECNamedCurveTable.getByOID(curve);
                if (params == null) return Optional.empty();
                ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
                ASN1BitString publicPoint = inner.getPublicKey();
                if (publicPoint == null)
                    publicPoint = new DERBitString(params.getG().multiply(inner.getKey()).normalize().getEncoded(false));
                ECPrivateKey sec1 = new ECPrivateKey(params.getN().bitLength(), inner.getKey(), publicPoint, curve);
                return Optional.of(Pem.block("EC PRIVATE KEY", sec1.getEncoded(ASN1Encoding.DER)));
            }
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot encode the private key: " + e.getMessage(), e);
        }
    }
}
