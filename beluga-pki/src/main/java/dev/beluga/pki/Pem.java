package dev.beluga.pki;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * PEM encoding and decoding of certificates and private keys. Keys are written in the OpenSSL form ("EC PRIVATE KEY"),
 * which every Kubernetes client reads (fabric8 does not read EC keys in PKCS#8); both forms are read.
 */
public final class Pem {
    private Pem() {
    }

    public static String encode(Object... objects) {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            for (Object o : objects) {
                if (o instanceof java.security.interfaces.ECPrivateKey k) pw.writeObject(sec1(k));
                else pw.writeObject(o);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }

    /** An EC key as "EC PRIVATE KEY" (SEC 1) with its curve named, as kubeadm and k3s write them. */
    private static org.bouncycastle.util.io.pem.PemObject sec1(java.security.interfaces.ECPrivateKey key) throws IOException {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        var curve = info.getPrivateKeyAlgorithm().getParameters();
        org.bouncycastle.asn1.ASN1BitString pub = inner.getPublicKey();
        if (pub == null) {
            // the JDK leaves the public point out; some clients (client-java) need it: Q = d·G
            var x9 = org.bouncycastle.asn1.x9.ECNamedCurveTable.getByOID((org.bouncycastle.asn1.ASN1ObjectIdentifier) curve);
            pub = new org.bouncycastle.asn1.DERBitString(x9.getG().multiply(inner.getKey()).normalize().getEncoded(false));
        }
        org.bouncycastle.asn1.sec.ECPrivateKey full = new org.bouncycastle.asn1.sec.ECPrivateKey(key.getParams().getOrder().bitLength(),
            inner.getKey(), (org.bouncycastle.asn1.DERBitString) new org.bouncycastle.asn1.DERBitString(pub.getBytes()), curve);
        return new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", full.getEncoded());
    }

    public static List<X509Certificate> certificates(String pem) {
        List<X509Certificate> out = new ArrayList<>();
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            Object o;
            while ((o = p.readObject()) != null) {
                if (o instanceof X509CertificateHolder h) out.add(new JcaX509CertificateConverter().getCertificate(h));
            }
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("no certificate in PEM data");
        return out;
    }

    public static PrivateKey privateKey(String pem) {
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            Object o;
            JcaPEMKeyConverter c = new JcaPEMKeyConverter();
            while ((o = p.readObject()) != null) {
                if (o instanceof PrivateKeyInfo info) return c.getPrivateKey(info);
                if (o instanceof PEMKeyPair kp) return c.getPrivateKey(kp.getPrivateKeyInfo());
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a PEM private key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("no private key in PEM data");
    }
}
