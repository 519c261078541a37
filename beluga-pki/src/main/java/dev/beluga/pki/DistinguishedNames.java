package dev.beluga.pki;

import javax.security.auth.x500.X500Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Distinguished names of the form Kubernetes reads (O = groups, any number; CN = user), read and written as DER with
 * the JDK alone: read as Go does (the last CN wins, every O in order; values of string types decoded, others as "#"
 * and their hex encoding), written in the order Go's {@code pkix.Name} writes them (every O, then CN; each in its own
 * RDN; values as UTF8String). {@link SubjectNames} is the Bouncy Castle side of the same rules, for the CA.
 * Stateless; thread-safe.
 */
final class DistinguishedNames {
    static final String COMMON_NAME = "2.5.4.3", ORGANIZATION = "2.5.4.10";

    private DistinguishedNames() {
    }

    /** The last CN value of {@code name}, or null without one. */
    static String commonName(X500Principal name) {
        List<String> all = values(name, COMMON_NAME);
        return all.isEmpty() ? null : all.getLast();
    }

    /** Every O value of {@code name}, in order. */
    static List<String> organizations(X500Principal name) {
        return values(name, ORGANIZATION);
    }

    /**
     * Every value of attribute type {@code typeOid} in {@code name}, in order.
     *
     * @throws IllegalArgumentException when the encoding is malformed
     */
    static List<String> values(X500Principal name, String typeOid) {
        List<String> out = new ArrayList<>();
        DerReader rdns = new DerReader(name.getEncoded()).next(DerReader.SEQUENCE).reader();
        while (rdns.hasMore()) {
            DerReader rdn = rdns.next(DerReader.SET).reader();
            while (rdn.hasMore()) {
                DerReader attribute = rdn.next(DerReader.SEQUENCE).reader();
                if (attribute.next().oid().equals(typeOid)) out.add(attribute.next().text());
            }
        }
        return List.copyOf(out);
    }

    /**
     * The DER of {@code O=org1, ..., CN=commonName}.
     *
     * @throws IllegalArgumentException when the common name or an organization is blank
     */
    static byte[] encode(String commonName, List<String> organizations) {
        List<byte[]> rdns = new ArrayList<>();
        for (String o : Objects.requireNonNull(organizations, "organizations")) rdns.add(rdn(ORGANIZATION, requireText(o, "organization")));
        rdns.add(rdn(COMMON_NAME, requireText(commonName, "common name")));
        return DerWriter.sequence(rdns.toArray(byte[][]::new));
    }

    private static byte[] rdn(String type, String value) {
        return DerWriter.set(DerWriter.sequence(DerWriter.oid(type), DerWriter.utf8String(value)));
    }

    private static String requireText(String s, String what) {
        if (s == null || s.isBlank()) throw new IllegalArgumentException("the " + what + " must not be blank");
        return s;
    }
}
