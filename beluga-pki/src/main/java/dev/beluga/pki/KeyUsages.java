package dev.beluga.pki;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The key usages of a CertificateSigningRequest ({@code spec.usages}: "digital signature", "server auth", ...) as
 * X.509 keyUsage bits and extendedKeyUsage purposes, with upstream's mapping ("signing" is digitalSignature, "s/mime"
 * is emailProtection). Immutable.
 *
 * @param keyUsageBits      {@link KeyUsage} bits
 * @param extendedKeyUsages extended key usages, in order of first mention
 */
public record KeyUsages(int keyUsageBits, List<KeyPurposeId> extendedKeyUsages) {
    private static final Map<String, Integer> KEY_USAGE = Map.of(
        "signing", KeyUsage.digitalSignature, "digital signature", KeyUsage.digitalSignature,
        "content commitment", KeyUsage.nonRepudiation, "key encipherment", KeyUsage.keyEncipherment,
        "key agreement", KeyUsage.keyAgreement, "data encipherment", KeyUsage.dataEncipherment,
        "cert sign", KeyUsage.keyCertSign, "crl sign", KeyUsage.cRLSign,
        "encipher only", KeyUsage.encipherOnly, "decipher only", KeyUsage.decipherOnly);
    private static final Map<String, KeyPurposeId> EXTENDED = Map.ofEntries(
        Map.entry("any", KeyPurposeId.anyExtendedKeyUsage), Map.entry("server auth", KeyPurposeId.id_kp_serverAuth),
        Map.entry("client auth", KeyPurposeId.id_kp_clientAuth), Map.entry("code signing", KeyPurposeId.id_kp_codeSigning),
        Map.entry("email protection", KeyPurposeId.id_kp_emailProtection), Map.entry("s/mime", KeyPurposeId.id_kp_emailProtection),
        Map.entry("ipsec end system", KeyPurposeId.id_kp_ipsecEndSystem), Map.entry("ipsec tunnel", KeyPurposeId.id_kp_ipsecTunnel),
        Map.entry("ipsec user", KeyPurposeId.id_kp_ipsecUser), Map.entry("timestamping", KeyPurposeId.id_kp_timeStamping),
        Map.entry("ocsp signing", KeyPurposeId.id_kp_OCSPSigning),
        Map.entry("microsoft sgc", KeyPurposeId.getInstance(new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.3.6.1.4.1.311.10.3.3"))),
        Map.entry("netscape sgc", KeyPurposeId.getInstance(new org.bouncycastle.asn1.ASN1ObjectIdentifier("2.16.840.1.113730.4.1"))));

    public KeyUsages {
        extendedKeyUsages = List.copyOf(extendedKeyUsages);
    }

    /** True for the usage names Kubernetes knows (those of {@code certificates.k8s.io/v1}'s KeyUsage). */
    public static boolean isKnown(String usage) {
        return KEY_USAGE.containsKey(usage) || EXTENDED.containsKey(usage);
    }

    /**
     * The usages named in {@code usages}.
     *
     * @throws IllegalArgumentException naming the values that are not known usages
     */
    public static KeyUsages of(Collection<String> usages) {
        int bits = 0;
        List<KeyPurposeId> extended = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String u : usages) {
            if (KEY_USAGE.containsKey(u)) bits |= KEY_USAGE.get(u);
            else if (EXTENDED.containsKey(u)) {
                if (!extended.contains(EXTENDED.get(u))) extended.add(EXTENDED.get(u));
            } else unknown.add(u);
        }
        if (!unknown.isEmpty()) throw new IllegalArgumentException("unrecognized usage values: " + unknown);
        return new KeyUsages(bits, extended);
    }
}
