package dev.beluga.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A certificate with its private key and its chain: the certificate first, then its issuers up to and including the
 * CA (for certificates issued here: {@code [certificate, ca]}). {@link #toString()} leaves the key out.
 *
 * @param certificate the leaf certificate
 * @param key         its private key
 * @param chain       the leaf followed by its issuers; an empty list means just the leaf
 */
public record IssuedCertificate(X509Certificate certificate, PrivateKey key, List<X509Certificate> chain) {

    /**
     * Checks the parts.
     *
     * @throws IllegalArgumentException when the chain does not start with the certificate
     */
    public IssuedCertificate {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
        chain = chain == null || chain.isEmpty() ? List.of(certificate) : List.copyOf(chain);
        if (!chain.getFirst().equals(certificate)) throw new IllegalArgumentException("the chain must start with the certificate");
    }

    /**
     * Writes the key and the chain into one file (mode 0600), atomically, as a kubelet's
     * {@code kubelet-client-current.pem}: a reader sees either the old pair or the new one, never a mix.
     */
    public void writeCombined(Path file) throws IOException {
        SecureFiles.writeSecret(file, keyPem() + chainPem());
    }

    /**
     * Reads a file written by {@link #writeCombined}.
     *
     * @throws IOException              when it cannot be read
     * @throws IllegalArgumentException when it does not hold a key and a certificate
     */
    public static IssuedCertificate readCombined(Path file) throws IOException {
        String pem = Files.readString(file, StandardCharsets.UTF_8);
        return fromPem(pem, pem);
    }

    /**
     * The certificate and key in PEM: {@code certificatesPem} holds the chain (leaf first), {@code keyPem} the key in
     * any form {@link Pem#privateKey(String)} reads.
     *
     * @throws IllegalArgumentException when either is malformed
     */
    public static IssuedCertificate fromPem(String certificatesPem, String keyPem) {
        List<X509Certificate> chain = Pem.certificates(certificatesPem);
        return new IssuedCertificate(chain.getFirst(), Pem.privateKey(keyPem), chain);
    }

    /**
     * Reads a pair of files as written by {@link #write}.
     *
     * @throws IOException              when a file cannot be read
     * @throws IllegalArgumentException when the content is malformed
     */
    public static IssuedCertificate read(Path certificateFile, Path keyFile) throws IOException {
        return fromPem(Files.readString(certificateFile, StandardCharsets.UTF_8), Files.readString(keyFile, StandardCharsets.UTF_8));
    }

    /**
     * Writes the key ({@link #keyPem()}, mode 0600) then the chain ({@link #chainPem()}, mode 0644), each atomically;
     * the key first so that a certificate on disk always has its key.
     */
    public void write(Path certificateFile, Path keyFile) throws IOException {
        SecureFiles.writeSecret(keyFile, keyPem());
        SecureFiles.writePublic(certificateFile, chainPem());
    }

    /** The leaf certificate in PEM. */
    public String certificatePem() {
        return Pem.encodeCertificate(certificate);
    }

    /** The whole chain in PEM, leaf first. */
    public String chainPem() {
        return Pem.encodeCertificates(chain);
    }

    /**
     * The key in PEM, in the traditional form every Kubernetes client reads ("EC PRIVATE KEY" or "RSA PRIVATE KEY";
     * see {@link Pem#encodeTraditionalPrivateKey}); an EC key's public point is taken from the certificate when it is
     * the key's.
     */
    public String keyPem() {
        return TraditionalKeyEncoding.encode(key, certificate.getPublicKey()).orElseGet(() -> Pem.encodePrivateKey(key));
    }

    /** The key in PEM as PKCS#8 "PRIVATE KEY". */
    public String pkcs8KeyPem() {
        return Pem.encodePrivateKey(key);
    }

    /** True when the certificate's notAfter is before {@code instant}. */
    public boolean expiresBefore(Instant instant) {
        return certificate.getNotAfter().toInstant().isBefore(instant);
    }

    /** True when the key is the certificate's key. */
    public boolean keyMatches() {
        return Keys.matches(key, certificate.getPublicKey());
    }

    /** A PKCS#12 key store holding the key and chain under alias "key", protected by {@code password}. */
    public KeyStore toKeyStore(char[] password) {
        return KeyStores.keyStore("key", key, chain, password);
    }

    @Override
    public String toString() {
        return "IssuedCertificate[" + certificate.getSubjectX500Principal() + ", until " + certificate.getNotAfter().toInstant()
            + ", chain of " + chain.size() + "]";
    }
}
