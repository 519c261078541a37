package dev.beluga.pki;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceAccountKeyTest {
    @TempDir
    Path dir;

    @Test
    void createdOnceBesideTheCaAndLoadedUnchangedLater() throws Exception {
        ClusterPki first = ClusterPki.loadOrCreate(dir, List.of(), List.of());
        String pem = Files.readString(dir.resolve(ServiceAccountKey.FILE));
        assertThat(pem).startsWith("-----BEGIN EC PRIVATE KEY-----");
        ClusterPki second = ClusterPki.loadOrCreate(dir, List.of(), List.of());
        assertThat(Files.readString(dir.resolve(ServiceAccountKey.FILE))).isEqualTo(pem);
        assertThat(second.serviceAccountKey().keyPair().getPublic()).isEqualTo(first.serviceAccountKey().keyPair().getPublic());
        assertThat(second.serviceAccountKey().keyId()).isEqualTo(first.serviceAccountKey().keyId()).matches("[A-Za-z0-9_-]{43}");
        assertThat(Keys.matches(second.serviceAccountKey().keyPair().getPrivate(), first.serviceAccountKey().keyPair().getPublic())).isTrue();
    }

    @Test
    void aPkcs8RsaKeyPlacedByTheOperatorIsUsedWithItsPublicKeyComputed() throws Exception {
        KeyPair rsa = KeyAlgorithm.RSA_2048.generate();
        Files.writeString(dir.resolve(ServiceAccountKey.FILE), Pem.encodePrivateKey(rsa.getPrivate()));
        ServiceAccountKey key = ServiceAccountKey.loadOrCreate(dir);
        assertThat(key.keyPair().getPublic()).isEqualTo(rsa.getPublic());
    }

    @Test
    void aPkcs8EcKeyGetsItsPublicPointComputed() throws Exception {
        KeyPair ec = KeyAlgorithm.EC_P256.generate();
        Files.writeString(dir.resolve(ServiceAccountKey.FILE), Pem.encodePrivateKey(ec.getPrivate()));
        assertThat(Keys.matches(ec.getPrivate(), ServiceAccountKey.loadOrCreate(dir).keyPair().getPublic())).isTrue();
    }

    @Test
    void anUnreadableKeyFailsInsteadOfBeingReplaced() throws Exception {
        Files.writeString(dir.resolve(ServiceAccountKey.FILE), "not a key");
        assertThatThrownBy(() -> ServiceAccountKey.loadOrCreate(dir)).hasMessageContaining("never replaced");
        assertThat(Files.readString(dir.resolve(ServiceAccountKey.FILE))).isEqualTo("not a key");
    }
}
