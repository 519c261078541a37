package dev.beluga.pki;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEParameterSpec;

/**
 * In-memory PKCS#12 key stores for JSSE: one key with its chain, or trusted certificates. They are never written out,
 * so a key entry's password protects nothing: it is encrypted with one PBKDF2 iteration instead of the JDK's default
 * 10,000, which cost ~50 ms of CPU per store (and as much again to read it back) — several times over in every start.
 */
public final class KeyStores {
    private KeyStores() {
    }

    /**
     * A key store with one private key entry.
     *
     * @param alias    the entry's alias
     * @param key      the private key
     * @param chain    its certificate chain, leaf first
     * @param password protects the entry (and is what a {@code KeyManagerFactory} needs); may be empty, not null
     */
    public static KeyStore keyStore(String alias, PrivateKey key, List<X509Certificate> chain, char[] password) {
        Objects.requireNonNull(password, "password");
        try {
            KeyStore store = empty();
            store.setEntry(alias, new KeyStore.PrivateKeyEntry(key, chain.toArray(Certificate[]::new)), inMemoryProtection(password));
            return store;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot store the key: " + e.getMessage(), e);
        }
    }

    /** A key store of trusted certificate entries ("ca-0", "ca-1", ...), for a {@code TrustManagerFactory}. */
    public static KeyStore trustStore(Collection<X509Certificate> trusted) {
        try {
            KeyStore store = empty();
            int i = 0;
            for (X509Certificate c : trusted) store.setCertificateEntry("ca-" + i++, c);
            return store;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot store the certificates: " + e.getMessage(), e);
        }
    }

    /** AES-256 under a key derived with one iteration: a store kept in memory needs no protection from guessing. */
    private static KeyStore.PasswordProtection inMemoryProtection(char[] password) {
        byte[] salt = new byte[16];
        byte[] iv = new byte[16];
        SecureRandom random = new SecureRandom();
        random.nextBytes(salt);
        random.nextBytes(iv);
        return new KeyStore.PasswordProtection(password, "PBEWithHmacSHA256AndAES_256",
            new PBEParameterSpec(salt, 1, new IvParameterSpec(iv)));
    }

    private static KeyStore empty() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return store;
    }
}
