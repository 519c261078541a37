package dev.beluga.pki;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The DNS names and IP addresses of a certificate's subjectAltName extension.
 *
 * <p>Normalized on construction: DNS names are lower-cased (DNS is case-insensitive) and must be plain ASCII host
 * names (letters, digits, '-', '.', '_', or a leading "*." wildcard; at most 253 characters); addresses lose host
 * names and scope ids. Order of first appearance is kept, duplicates dropped. Immutable.
 *
 * @param dnsNames    the dNSName entries
 * @param ipAddresses the iPAddress entries
 */
public record SubjectAltNames(Set<String> dnsNames, Set<InetAddress> ipAddresses) {
    /** The OID of the subjectAltName extension. */
    static final String EXTENSION_OID = "2.5.29.17";
    private static final int DNS_NAME_TAG = 0x82, IP_ADDRESS_TAG = 0x87; // [2] IA5String, [7] OCTET STRING, implicit
    private static final Pattern DNS_NAME = Pattern.compile("(\\*\\.)?[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?");

    /** An empty set of names. */
    public static final SubjectAltNames NONE = new SubjectAltNames(Set.of(), Set.of());

    /**
     * Normalizes and checks the names.
     *
     * @throws IllegalArgumentException for a DNS name that is not a plain host name
     */
    public SubjectAltNames {
        Set<String> dns = new LinkedHashSet<>();
        for (String name : dnsNames) dns.add(normalizeDnsName(name));
        Set<InetAddress> ips = new LinkedHashSet<>();
        for (InetAddress ip : ipAddresses) ips.add(normalize(ip));
        dnsNames = Collections.unmodifiableSet(dns);
        ipAddresses = Collections.unmodifiableSet(ips);
    }

    /** The given names (see the record's normalization rules). */
    public static SubjectAltNames of(Collection<String> dnsNames, Collection<InetAddress> ipAddresses) {
        return new SubjectAltNames(new LinkedHashSet<>(dnsNames), new LinkedHashSet<>(ipAddresses));
    }

    /**
     * The DNS names and IP addresses in the subjectAltName extension of {@code certificate} ({@link #NONE} without
     * one). Entries that are not plain host names or 4/16-byte addresses are left out.
     */
    public static SubjectAltNames of(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue(EXTENSION_OID);
        if (extension == null) return NONE;
        List<String> dns = new ArrayList<>();
        List<InetAddress> ips = new ArrayList<>();
        try {
            byte[] value = new DerReader(extension).next(DerReader.OCTET_STRING).contents();
            DerReader names = new DerReader(value).next(DerReader.SEQUENCE).reader();
            while (names.hasMore()) {
                DerReader.Element name = names.next();
                if (name.tag() == DNS_NAME_TAG) {
                    String text = new String(name.contents(), StandardCharsets.US_ASCII);
                    if (isDnsName(text)) dns.add(text);
                } else if (name.tag() == IP_ADDRESS_TAG) {
                    byte[] octets = name.contents();
                    if (octets.length == 4 || octets.length == 16) ips.add(address(octets));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed certificate: subjectAltName: " + e.getMessage(), e);
        }
        return of(dns, ips);
    }

    /** True when {@code name} (after lower-casing) is acceptable as a DNS name entry. */
    public static boolean isDnsName(String name) {
        return name != null && name.length() <= 253 && DNS_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches();
    }

    /** These names followed by those of {@code other} not already here. */
    public SubjectAltNames plus(SubjectAltNames other) {
        Set<String> dns = new LinkedHashSet<>(dnsNames);
        dns.addAll(other.dnsNames);
        Set<InetAddress> ips = new LinkedHashSet<>(ipAddresses);
        ips.addAll(other.ipAddresses);
        return new SubjectAltNames(dns, ips);
    }

    /** The names here that {@code other} lacks. */
    public SubjectAltNames minus(SubjectAltNames other) {
        Set<String> dns = new LinkedHashSet<>(dnsNames);
        dns.removeAll(other.dnsNames);
        Set<InetAddress> ips = new LinkedHashSet<>(ipAddresses);
        ips.removeAll(other.ipAddresses);
        return new SubjectAltNames(dns, ips);
    }

    /** True when every name of {@code other} is here too (exact matches; a wildcard here covers nothing else). */
    public boolean containsAll(SubjectAltNames other) {
        return dnsNames.containsAll(other.dnsNames) && ipAddresses.containsAll(other.ipAddresses);
    }

    /** True without any name. */
    public boolean isEmpty() {
        return dnsNames.isEmpty() && ipAddresses.isEmpty();
    }

    /** The DER of the extension value (GeneralNames): DNS names first, then addresses. */
    byte[] encoded() {
        List<byte[]> names = new ArrayList<>();
        for (String dns : dnsNames) names.add(DerWriter.element(DNS_NAME_TAG, dns.getBytes(StandardCharsets.US_ASCII)));
        for (InetAddress ip : ipAddresses) names.add(DerWriter.element(IP_ADDRESS_TAG, ip.getAddress()));
        return DerWriter.sequence(names.toArray(byte[][]::new));
    }

    @Override
    public String toString() {
        List<String> all = new ArrayList<>(dnsNames);
        for (InetAddress ip : ipAddresses) all.add(ip.getHostAddress());
        return all.toString();
    }

    private static String normalizeDnsName(String name) {
        if (!isDnsName(name)) throw new IllegalArgumentException("not a valid DNS name for a certificate: \"" + name + "\"");
        return name.toLowerCase(Locale.ROOT);
    }

    private static InetAddress normalize(InetAddress ip) {
        return address(ip.getAddress());
    }

    private static InetAddress address(byte[] octets) {
        try {
            return InetAddress.getByAddress(octets);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + octets.length + " bytes", e);
        }
    }
}
