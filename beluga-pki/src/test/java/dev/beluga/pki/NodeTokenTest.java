package dev.beluga.pki;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeTokenTest {
    private static final byte[] BUNDLE = Pem.encodeCertificate(CertificateAuthority.create().certificate()).getBytes(StandardCharsets.US_ASCII);
    private static final String HASH = sha256(BUNDLE);

    @TempDir
    Path dir;

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void formatIsK10TheHexSha256OfTheBundleThenUserAndSecret() {
        NodeToken t = NodeToken.forCa(BUNDLE, "s3cret");
        assertThat(t.text()).isEqualTo("K10" + HASH + "::node:s3cret");
        assertThat(t.caHash()).isEqualTo(HASH).hasSize(64);
        assertThat(t.user()).isEqualTo("node");
        assertThat(t.matchesCa(BUNDLE)).isTrue();
        assertThat(t.matchesCa((new String(BUNDLE, StandardCharsets.US_ASCII) + "\n").getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(NodeToken.parse(t.text())).isEqualTo(t);
    }

    @Test
    void parsesUpperCaseHashesAndTrailingNewlinesAndSecretsWithColons() {
        NodeToken t = NodeToken.parse("K10" + HASH.toUpperCase() + "::node:a:b:c\n");
        assertThat(t.caHash()).isEqualTo(HASH);
        assertThat(t.secret()).isEqualTo("a:b:c");
        assertThat(t.accepts("node", "a:b:c")).isTrue();
        assertThat(t.accepts("node", "a:b")).isFalse();
        assertThat(t.accepts("server", "a:b:c")).isFalse();
        assertThat(t.accepts(null, "a:b:c")).isFalse();
    }

    @Test
    void malformedTokensAreRefusedWithoutQuotingTheSecret() {
        assertThatThrownBy(() -> NodeToken.parse("just-a-secret")).hasMessageContaining("K10<sha256");
        assertThatThrownBy(() -> NodeToken.parse("K10abc::node:topsecret")).hasMessageContaining("64 hex digits")
            .message().doesNotContain("topsecret");
        assertThatThrownBy(() -> NodeToken.parse("K10" + HASH + ":node:topsecret")).hasMessageContaining("::");
        assertThatThrownBy(() -> NodeToken.parse("K10" + HASH + "::topsecret")).hasMessageContaining("<user>:<secret>")
            .message().doesNotContain("topsecret");
        assertThatThrownBy(() -> NodeToken.parse("K10" + HASH + "::node:")).hasMessageContaining("empty");
        assertThatThrownBy(() -> NodeToken.parse("K10" + HASH + "::node:top secret")).hasMessageContaining("white space")
            .message().doesNotContain("top secret");
        assertThatThrownBy(() -> NodeToken.parse("K10" + HASH + "::No De:x")).hasMessageContaining("invalid user");
    }

    @Test
    void toStringHidesTheSecret() {
        NodeToken t = NodeToken.forCa(BUNDLE, "topsecret");
        assertThat(t.toString()).doesNotContain("topsecret").contains(HASH).contains("node");
    }

    @Test
    void newSecretsAreRandomHex() {
        String a = NodeToken.newSecret();
        assertThat(a).matches("[0-9a-f]{48}").isNotEqualTo(NodeToken.newSecret());
    }

    @Test
    void serverTokenIsMadeOnceKeptPrivateAndStableAcrossRestarts() throws Exception {
        Path file = dir.resolve("server/node-token");
        NodeToken first = NodeToken.loadOrCreate(file, BUNDLE, null);
        assertThat(first.caHash()).isEqualTo(HASH);
        assertThat(first.secret()).matches("[0-9a-f]{48}");
        assertThat(Files.readString(file)).isEqualTo(first.text() + "\n");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(NodeToken.loadOrCreate(file, BUNDLE, null)).isEqualTo(first);
    }

    @Test
    void aRequestedSecretOrWholeTokenReplacesTheStoredOne() throws Exception {
        Path file = dir.resolve("node-token");
        NodeToken.loadOrCreate(file, BUNDLE, null);
        NodeToken chosen = NodeToken.loadOrCreate(file, BUNDLE, "my-secret");
        assertThat(chosen.text()).isEqualTo("K10" + HASH + "::node:my-secret");
        assertThat(NodeToken.loadOrCreate(file, BUNDLE, null)).isEqualTo(chosen);
        NodeToken whole = NodeToken.loadOrCreate(file, BUNDLE, "K10" + HASH + "::node:other");
        assertThat(whole.secret()).isEqualTo("other");
        assertThat(Files.readString(file).strip()).isEqualTo(whole.text());
    }

    @Test
    void aWholeTokenOfAnotherCaOrUserIsRefused() throws Exception {
        Path file = dir.resolve("node-token");
        String other = "0".repeat(64);
        assertThatThrownBy(() -> NodeToken.loadOrCreate(file, BUNDLE, "K10" + other + "::node:x"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(other).hasMessageContaining(HASH);
        assertThatThrownBy(() -> NodeToken.loadOrCreate(file, BUNDLE, "K10" + HASH + "::server:x"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node");
        assertThatThrownBy(() -> NodeToken.loadOrCreate(file, BUNDLE, "a b")).isInstanceOf(IllegalArgumentException.class);
        assertThat(file).doesNotExist();
    }

    @Test
    void aStoredTokenOfAnotherBundleIsRewrittenWithThisHashAndTheSameSecret() throws Exception {
        Path file = dir.resolve("node-token");
        Files.writeString(file, "K10" + "1".repeat(64) + "::node:kept\n");
        NodeToken t = NodeToken.loadOrCreate(file, BUNDLE, null);
        assertThat(t.text()).isEqualTo("K10" + HASH + "::node:kept");
        assertThat(Files.readString(file).strip()).isEqualTo(t.text());
    }

    @Test
    void aFileThatIsNoTokenFailsUnlessASecretIsGiven() throws Exception {
        Path file = dir.resolve("node-token");
        Files.writeString(file, "garbage\n");
        assertThatThrownBy(() -> NodeToken.loadOrCreate(file, BUNDLE, null)).isInstanceOf(java.io.IOException.class)
            .hasMessageContaining("remove it");
        assertThat(Files.readString(file)).isEqualTo("garbage\n");
        assertThat(NodeToken.loadOrCreate(file, BUNDLE, "fresh").secret()).isEqualTo("fresh");
    }
}
