package dev.beluga.pki;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Distinguished names of the form Kubernetes reads: O = groups (any number), CN = user. Built in the order Go's
 * {@code pkix.Name} writes them (O before CN); read as Go does (the last CN wins, every O in order).
 */
final class SubjectNames {
    private SubjectNames() {
    }

    /**
     * {@code O=org1, O=org2, ..., CN=commonName}, values as UTF8String.
     *
     * @throws IllegalArgumentException when the common name or an organization is blank
     */
    static X500Name build(String commonName, List<String> organizations) {
        requireText(commonName, "common name");
        X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
        for (String o : Objects.requireNonNull(organizations, "organizations")) builder.addRDN(BCStyle.O, requireText(o, "organization"));
        return builder.addRDN(BCStyle.CN, commonName).build();
    }

    /** The subject of {@code certificate}, as encoded. */
    static X500Name subject(X509Certificate certificate) {
        return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    }

    /** The last CN value of {@code name}, or null without one. */
    static String commonName(X500Name name) {
        List<String> all = values(name, BCStyle.CN);
        return all.isEmpty() ? null : all.getLast();
    }

    /** Every O value of {@code name}, in order. */
    static List<String> organizations(X500Name name) {
        return values(name, BCStyle.O);
    }

    private static List<String> values(X500Name name, ASN1ObjectIdentifier type) {
        List<String> out = new ArrayList<>();
        for (RDN rdn : name.getRDNs()) {
            for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                if (atv.getType().equals(type)) out.add(text(atv.getValue()));
            }
        }
        return List.copyOf(out);
    }

    private static String text(ASN1Encodable value) {
        return value instanceof ASN1String s ? s.getString() : IETFUtils.valueToString(value);
    }

    private static String requireText(String s, String what) {
        if (s == null || s.isBlank()) throw new IllegalArgumentException("the " + what + " must not be blank");
        return s;
    }
}
