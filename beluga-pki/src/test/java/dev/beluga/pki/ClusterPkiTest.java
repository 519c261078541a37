package dev.beluga.pki;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.beluga.pki.TestSupport.CLIENT_AUTH;
import static dev.beluga.pki.TestSupport.SERVER_AUTH;
import static dev.beluga.pki.TestSupport.mode;
import static dev.beluga.pki.TestSupport.validate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterPkiTest {
    private static final List<String> FILES = List.of("ca.crt", "ca.key", "serving.crt", "serving.key", "admin.crt", "admin.key", "service.key");

    @TempDir
    Path data;

    private Path tls() {
        return data.resolve("tls");
    }

    @Test
    void firstStartCreatesTheCaAndLeavesWithPrivateKeyFiles() throws Exception {
        ClusterPki pki = ClusterPki.loadOrCreate(tls(), List.of("beluga.example"), List.of(InetAddress.getByName("10.1.2.3")));

        for (String f : FILES) assertThat(tls().resolve(f)).isRegularFile();
        for (String key : List.of("ca.key", "serving.key", "admin.key", "service.key"))
            assertThat(mode(tls().resolve(key))).as(key).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        for (String cert : List.of("ca.crt", "serving.crt", "admin.crt"))
            assertThat(mode(tls().resolve(cert))).as(cert).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(mode(tls())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(TestSupport.tempFiles(tls())).isEmpty();

        assertThat(pki.caCertificate().getSubjectX500Principal().getName()).matches("CN=beluga-ca@\\d+");
        validate(pki.serving().certificate(), pki.caCertificate());
        validate(pki.admin().certificate(), pki.caCertificate());
        assertThat(pki.serving().certificate().getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
        assertThat(pki.admin().certificate().getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
        assertThat(X509Identity.fromCertificate(pki.admin().certificate())).isEqualTo(new X509Identity("admin", List.of("system:masters")));
        assertThat(pki.serving().chain()).containsExactly(pki.serving().certificate(), pki.caCertificate());
        assertThat(Duration.between(Instant.now(), pki.serving().certificate().getNotAfter().toInstant()).toDays()).isBetween(364L, 365L);
    }

    @Test
    void servingCertificateCarriesTheDefaultAndRequestedNames() throws Exception {
        ClusterPki pki = ClusterPki.loadOrCreate(tls(), List.of("beluga.example"), List.of(InetAddress.getByName("10.1.2.3")));
        List<String> sans = pki.serving().certificate().getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList();
        assertThat(sans).contains("localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
            "kubernetes.default.svc.cluster.local", "beluga.example", "127.0.0.1", "0:0:0:0:0:0:0:1", "10.1.2.3");
        String hostname = ServingNames.hostname().orElseThrow();
        assertThat(sans).contains(hostname);
        Path kernel = Path.of("/proc/sys/kernel/hostname");
        if (Files.isReadable(kernel)) assertThat(hostname).isEqualTo(Files.readString(kernel).trim().toLowerCase(java.util.Locale.ROOT));
        assertThat(pki.servingNames().dnsNames()).contains("beluga.example", hostname);
    }

    @Test
    void laterStartsLoadTheSameFilesUnchanged() throws Exception {
        ClusterPki first = ClusterPki.loadOrCreate(tls(), List.of("beluga.example"), List.of());
        Map<String, String> before = contents();

        ClusterPki again = ClusterPki.loadOrCreate(tls(), List.of("beluga.example"), List.of());

        assertThat(again.caCertificate()).isEqualTo(first.caCertificate());
        assertThat(again.serving().certificate()).isEqualTo(first.serving().certificate());
        assertThat(again.admin().certificate()).isEqualTo(first.admin().certificate());
        assertThat(((java.security.interfaces.ECPrivateKey) again.admin().key()).getS())
            .isEqualTo(((java.security.interfaces.ECPrivateKey) first.admin().key()).getS());
        assertThat(contents()).containsExactlyInAnyOrderEntriesOf(before);
    }

    @Test
    void aMissingNameReissuesTheServingCertificateButKeepsTheCaAndAdmin() throws Exception {
        ClusterPki first = ClusterPki.loadOrCreate(tls(), List.of(), List.of());
        byte[] caFile = Files.readAllBytes(tls().resolve("ca.crt"));

        ClusterPki wider = ClusterPki.loadOrCreate(tls(), List.of("new.example"), List.of(InetAddress.getByName("192.0.2.9")));

        assertThat(wider.caCertificate()).isEqualTo(first.caCertificate());
        assertThat(Files.readAllBytes(tls().resolve("ca.crt"))).isEqualTo(caFile);
        assertThat(wider.admin().certificate()).isEqualTo(first.admin().certificate());
        assertThat(wider.serving().certificate()).isNotEqualTo(first.serving().certificate());
        assertThat(wider.servingNames().dnsNames()).contains("new.example", "localhost");
        assertThat(wider.servingNames().ipAddresses()).contains(InetAddress.getByName("192.0.2.9"));
        validate(wider.serving().certificate(), first.caCertificate());
        assertThat(IssuedCertificate.read(tls().resolve("serving.crt"), tls().resolve("serving.key")).certificate())
            .isEqualTo(wider.serving().certificate());
    }

    @Test
    void aServingCertificateExpiringWithinThirtyDaysIsReissued() throws Exception {
        ClusterPki first = ClusterPki.loadOrCreate(tls(), List.of(), List.of());
        SubjectAltNames names = first.servingNames();
        IssuedCertificate expiring = first.ca().issueServing("beluga-apiserver", List.copyOf(names.dnsNames()),
            List.copyOf(names.ipAddresses()), Duration.ofDays(29));
        expiring.write(tls().resolve("serving.crt"), tls().resolve("serving.key"));

        ClusterPki later = ClusterPki.loadOrCreate(tls(), List.of(), List.of());

        assertThat(later.serving().certificate()).isNotEqualTo(expiring.certificate());
        assertThat(later.serving().expiresBefore(Instant.now().plus(Duration.ofDays(300)))).isFalse();
        assertThat(later.caCertificate()).isEqualTo(first.caCertificate());
    }

    @Test
    void aServingCertificateValidForLongerIsKept() throws Exception {
        ClusterPki first = ClusterPki.loadOrCreate(tls(), List.of(), List.of());
        SubjectAltNames names = first.servingNames();
        IssuedCertificate enough = first.ca().issueServing("beluga-apiserver", List.copyOf(names.dnsNames()),
            List.copyOf(names.ipAddresses()), Duration.ofDays(31));
        enough.write(tls().resolve("serving.crt"), tls().resolve("serving.key"));

        assertThat(ClusterPki.loadOrCreate(tls(), List.of(), List.of()).serving().certificate()).isEqualTo(enough.certificate());
    }

    @Test
    void leavesFromAnotherCaOrWithTheWrongKeyAreReissued() throws Exception {
        ClusterPki first = ClusterPki.loadOrCreate(tls(), List.of(), List.of());
        IssuedCertificate foreign = CertificateAuthority.create().issueServing("beluga-apiserver",
            List.copyOf(first.servingNames().dnsNames()), List.copyOf(first.servingNames().ipAddresses()), Duration.ofDays(100));
        foreign.write(tls().resolve("serving.crt"), tls().resolve("serving.key"));
        Files.writeString(tls().resolve("admin.key"), Pem.encodePrivateKey(KeyAlgorithm.EC_P256.generate().getPrivate()));

        ClusterPki later = ClusterPki.loadOrCreate(tls(), List.of(), List.of());

        assertThat(later.serving().certificate()).isNotEqualTo(foreign.certificate());
        validate(later.serving().certificate(), first.caCertificate());
        assertThat(later.admin().certificate()).isNotEqualTo(first.admin().certificate());
        assertThat(later.admin().keyMatches()).isTrue();
        assertThat(mode(tls().resolve("admin.key"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void anUnreadableLeafIsReissued() throws Exception {
        ClusterPki first = ClusterPki.loadOrCreate(tls(), List.of(), List.of());
        Files.writeString(tls().resolve("admin.crt"), "garbage");
        ClusterPki later = ClusterPki.loadOrCreate(tls(), List.of(), List.of());
        assertThat(later.admin().certificate()).isNotEqualTo(first.admin().certificate());
        validate(later.admin().certificate(), first.caCertificate());
    }

    @Test
    void aCaCertificateWithoutItsKeyFailsTheStartAndIsNotReplaced() throws Exception {
        ClusterPki.loadOrCreate(tls(), List.of(), List.of());
        byte[] caFile = Files.readAllBytes(tls().resolve("ca.crt"));
        Files.delete(tls().resolve("ca.key"));

        assertThatThrownBy(() -> ClusterPki.loadOrCreate(tls(), List.of(), List.of()))
            .isInstanceOf(IOException.class).hasMessageContaining("never replaced");
        assertThat(Files.readAllBytes(tls().resolve("ca.crt"))).isEqualTo(caFile);
        assertThat(tls().resolve("ca.key")).doesNotExist();
    }

    @Test
    void aCorruptCaFailsTheStartAndIsNotReplaced() throws Exception {
        ClusterPki.loadOrCreate(tls(), List.of(), List.of());
        Files.writeString(tls().resolve("ca.key"), Pem.encodePrivateKey(KeyAlgorithm.EC_P256.generate().getPrivate()));
        byte[] caFile = Files.readAllBytes(tls().resolve("ca.crt"));
        assertThatThrownBy(() -> ClusterPki.loadOrCreate(tls(), List.of(), List.of())).isInstanceOf(IOException.class);
        assertThat(Files.readAllBytes(tls().resolve("ca.crt"))).isEqualTo(caFile);
    }

    @Test
    void aLeftOverCaKeyWithoutCertificateIsReplacedByANewCa() throws Exception {
        Files.createDirectories(tls());
        PrivateKey leftOver = KeyAlgorithm.EC_P256.generate().getPrivate();
        Files.writeString(tls().resolve("ca.key"), Pem.encodePrivateKey(leftOver));
        ClusterPki pki = ClusterPki.loadOrCreate(tls(), List.of(), List.of());
        assertThat(Keys.matches(leftOver, pki.caCertificate().getPublicKey())).isFalse();
        assertThat(CertificateAuthority.load(tls()).certificate()).isEqualTo(pki.caCertificate());
    }

    @Test
    void concurrentFirstStartsAgreeOnOneCa() throws Exception {
        List<Callable<X509Certificate>> starts = new ArrayList<>();
        for (int i = 0; i < 4; i++) starts.add(() -> ClusterPki.loadOrCreate(tls(), List.of(), List.of()).caCertificate());
        try (var pool = Executors.newFixedThreadPool(4)) {
            List<X509Certificate> cas = new ArrayList<>();
            for (Future<X509Certificate> f : pool.invokeAll(starts)) cas.add(f.get());
            assertThat(cas).containsOnly(CertificateAuthority.load(tls()).certificate());
        }
    }

    @Test
    void keyStoresHoldTheServingChainAndTheCa() throws Exception {
        ClusterPki pki = ClusterPki.loadOrCreate(tls(), List.of(), List.of());
        char[] password = "secret".toCharArray();
        KeyStore keys = pki.servingKeyStore(password);
        assertThat(keys.size()).isEqualTo(1);
        String alias = keys.aliases().nextElement();
        assertThat(keys.getKey(alias, password).getEncoded()).isEqualTo(pki.serving().key().getEncoded());
        assertThat(keys.getCertificateChain(alias)).containsExactly(pki.serving().certificate(), pki.caCertificate());

        KeyStore trust = pki.trustStore();
        assertThat(trust.size()).isEqualTo(1);
        Certificate anchor = trust.getCertificate(trust.aliases().nextElement());
        assertThat(anchor).isEqualTo(pki.caCertificate());
        assertThat(trust.isCertificateEntry(trust.aliases().nextElement())).isTrue();
    }

    @Test
    void keyStoreEntriesOpenWithTheirPasswordOnlyAndAnEmptyOneWorks() throws Exception {
        ClusterPki pki = ClusterPki.loadOrCreate(tls(), List.of(), List.of());
        KeyStore keys = pki.servingKeyStore("secret".toCharArray());
        String alias = keys.aliases().nextElement();
        assertThatThrownBy(() -> keys.getKey(alias, "other".toCharArray())).isInstanceOf(java.security.UnrecoverableKeyException.class);

        KeyStore open = pki.admin().toKeyStore(new char[0]);
        assertThat(open.getKey("key", new char[0]).getEncoded()).isEqualTo(pki.admin().key().getEncoded());
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(open, new char[0]);
        javax.net.ssl.X509KeyManager km = (javax.net.ssl.X509KeyManager) kmf.getKeyManagers()[0];
        String chosen = km.chooseClientAlias(new String[] {"EC"}, null, null);
        assertThat(km.getCertificateChain(chosen)[0]).isEqualTo(pki.admin().certificate());
    }

    @Test
    void invalidExtraNamesAreRefusedBeforeAnythingIsWritten() {
        assertThatThrownBy(() -> ClusterPki.loadOrCreate(tls(), List.of("bad name"), List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(tls()).doesNotExist();
    }

    private Map<String, String> contents() throws IOException {
        Map<String, String> out = new HashMap<>();
        for (String f : FILES) out.put(f, Files.readString(tls().resolve(f)));
        return out;
    }
}
