package dev.beluga.pki;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed PKCS#10 certificate request whose signature verified (proof of possession of the key): what Kubernetes'
 * signers look at — the subject's CN and O values and the requested subjectAltNames. Immutable.
 *
 * @param commonName     the subject's CN (empty when it has none)
 * @param organizations  the subject's O values, in order
 * @param dnsNames       requested DNS subjectAltNames
 * @param ipAddresses    requested IP subjectAltNames
 * @param emailAddresses requested email (rfc822Name) subjectAltNames
 * @param uris           requested URI subjectAltNames
 * @param publicKey      the key to certify
 */
public record CertificateRequest(String commonName, List<String> organizations, List<String> dnsNames,
                                 List<InetAddress> ipAddresses, List<String> emailAddresses, List<String> uris,
                                 PublicKey publicKey) {
    public CertificateRequest {
        organizations = List.copyOf(organizations);
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
        emailAddresses = List.copyOf(emailAddresses);
        uris = List.copyOf(uris);
    }

    /**
     * Parses a PEM "CERTIFICATE REQUEST" and checks its signature.
     *
     * @throws IllegalArgumentException with a message saying what is wrong: not PEM, no request block, a malformed
     *                                  request, a signature that does not verify
     */
    public static CertificateRequest parse(byte[] pem) {
        PKCS10CertificationRequest request = Pem.certificateRequest(pem);
        PublicKey key;
        try {
            if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(request.getSubjectPublicKeyInfo())))
                throw new IllegalArgumentException("the certificate request's signature does not verify");
            key = new JcaPEMKeyConverter().getPublicKey(request.getSubjectPublicKeyInfo());
        } catch (OperatorCreationException | PKCSException | IOException e) {
            throw new IllegalArgumentException("unusable certificate request: " + e.getMessage(), e);
        }
        X500Name subject = request.getSubject();
        String cn = SubjectNames.commonName(subject);
        List<String> dns = new ArrayList<>();
        List<InetAddress> ips = new ArrayList<>();
        List<String> emails = new ArrayList<>();
        List<String> uris = new ArrayList<>();
        for (var attribute : request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            for (ASN1Encodable value : attribute.getAttributeValues()) {
                GeneralNames names = GeneralNames.fromExtensions(Extensions.getInstance(value), Extension.subjectAlternativeName);
                if (names == null) continue;
                for (GeneralName n : names.getNames()) {
                    switch (n.getTagNo()) {
                        case GeneralName.dNSName -> dns.add(((ASN1String) n.getName()).getString());
                        case GeneralName.rfc822Name -> emails.add(((ASN1String) n.getName()).getString());
                        case GeneralName.uniformResourceIdentifier -> uris.add(((ASN1String) n.getName()).getString());
                        case GeneralName.iPAddress -> {
                            try {
                                ips.add(InetAddress.getByAddress(org.bouncycastle.asn1.ASN1OctetString.getInstance(n.getName()).getOctets()));
                            } catch (UnknownHostException e) {
                                throw new IllegalArgumentException("malformed IP address in the request's subjectAltNames");
                            }
                        }
                        default -> { }
                    }
                }
            }
        }
        return new CertificateRequest(cn == null ? "" : cn, SubjectNames.organizations(subject), dns, ips, emails, uris, key);
    }
}
