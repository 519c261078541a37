package dev.beluga.apiserver.bootstrap;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.registry.RegistryStore;
import dev.beluga.apiserver.registry.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Binds node names to the machines that first claimed them, as k3s's node passwords do: every agent keeps a random
 * password of its own and sends it when it asks for credentials; the server keeps a salted SHA-256 of it in the Secret
 * {@code kube-system/<node>.node-password.beluga} (created at the node's first join). A later request for the same
 * name with another password is refused, so a holder of the join token cannot obtain the identity of a node that
 * joined already. The name is released when its Node object is gone and the password was recorded more than
 * {@link #RELEASE_AFTER} ago (e.g. after {@code kubectl delete node}, a reinstalled machine may join under the old name),
 * or when the Secret is deleted.
 *
 * <p>The password is a random value the agent generated, so a fast salted hash is enough (no password stretching).
 * Thread-safe: concurrent first joins of one name are decided by the store's create-if-absent.
 */
final class NodePasswords {
    private static final Logger log = LoggerFactory.getLogger(NodePasswords.class);
    /** The Secrets' namespace. */
    static final String NAMESPACE = "kube-system";
    /** The Secrets' name suffix after the node name. */
    static final String SUFFIX = ".node-password.beluga";
    /** How old a password Secret of a node without a Node object must be before another password may take the name. */
    static final Duration RELEASE_AFTER = Duration.ofMinutes(5);
    /** The annotation with the time the password was recorded (the Secret's creation time may be older after a release). */
    static final String RECORDED_AT = "beluga.dev/recorded-at";
    private static final WriteOptions WRITE = WriteOptions.serverBuilt("beluga-apiserver");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RegistryStore secrets;
    private final RegistryStore nodes;
    private final InstantSource clock;

    NodePasswords(RegistryStore secrets, RegistryStore nodes, InstantSource clock) {
        this.secrets = secrets;
        this.nodes = nodes;
        this.clock = clock;
    }

    /** The name of the Secret holding {@code node}'s password hash. */
    static String secretName(String node) {
        return node + SUFFIX;
    }

    /**
     * Accepts {@code password} for {@code node} (recording it at the first join, or when the name was released), or
     * refuses it.
     *
     * @throws StatusException 403 when the node name belongs to another password
     */
    void verifyOrRecord(String node, String password) {
        String name = secretName(node);
        for (int attempt = 0; attempt < 3; attempt++) {
            ObjectNode current;
            try {
                current = secrets.get(NAMESPACE, name, null);
            } catch (StatusException e) {
                if (e.code() != 404) throw e;
                try {
                    secrets.create(NAMESPACE, secret(node, name, password, null), WRITE);
                    log.info("node {} joined for the first time; its node password is recorded in {}/{}", node, NAMESPACE, name);
                    return;
                } catch (StatusException raced) {
                    if (raced.code() != 409) throw raced;
                    continue; // another request for the name created it meanwhile: check against that one
                }
            }
            if (matches(current, password)) return;
            if (!released(node, current)) {
                throw StatusException.forbidden("node \"" + node + "\" has joined before with another node password (Secret "
                    + NAMESPACE + "/" + name + "); an agent keeps its password in its data directory. To let another machine"
                    + " take this name, delete the Node (and wait " + RELEASE_AFTER.toMinutes() + " minutes) or that Secret");
            }
            String rv = current.path("metadata").path("resourceVersion").asText();
            try {
                secrets.update(NAMESPACE, name, secret(node, name, password, rv), WRITE);
                log.warn("node {} has no Node object and joined with a new node password; the old one ({}/{}) is replaced", node,
                    NAMESPACE, name);
                return;
            } catch (StatusException raced) {
                if (raced.code() != 409 && raced.code() != 404) throw raced;
            }
        }
        throw StatusException.conflict("", "secrets", name, "concurrent joins of node " + node + "; try again");
    }

    private boolean released(String node, ObjectNode secret) {
        try {
            nodes.get(null, node, null);
            return false;
        } catch (StatusException e) {
            if (e.code() != 404) throw e;
        }
        String recorded = secret.path("metadata").path("annotations").path(RECORDED_AT).asText("");
        if (recorded.isEmpty()) recorded = secret.path("metadata").path("creationTimestamp").asText("");
        try {
            return !Instant.parse(recorded).plus(RELEASE_AFTER).isAfter(clock.instant());
        } catch (java.time.format.DateTimeParseException e) {
            return true;
        }
    }

    private static boolean matches(ObjectNode secret, String password) {
        String stored = new String(decode(secret.path("data").path("hash").asText("")), StandardCharsets.UTF_8);
        String[] parts = stored.split("\\$");
        if (parts.length != 3 || !parts[0].equals("sha256")) return false;
        byte[] salt;
        byte[] expected;
        try {
            salt = HexFormat.of().parseHex(parts[1]);
            expected = HexFormat.of().parseHex(parts[2]);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, digest(salt, password));
    }

    private ObjectNode secret(String node, String name, String password, String resourceVersion) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        String hash = "sha256$" + HexFormat.of().formatHex(salt) + "$" + HexFormat.of().formatHex(digest(salt, password));
        ObjectNode s = Json.object().put("apiVersion", "v1").put("kind", "Secret");
        ObjectNode meta = s.putObject("metadata").put("name", name).put("namespace", NAMESPACE);
        if (resourceVersion != null) meta.put("resourceVersion", resourceVersion);
        meta.putObject("labels").put("beluga.dev/node-password", "true");
        meta.putObject("annotations").put("beluga.dev/node", node)
            .put(RECORDED_AT, clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        s.put("type", "Opaque");
        s.putObject("data").put("hash", Base64.getEncoder().encodeToString(hash.getBytes(StandardCharsets.UTF_8)));
        return s;
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static byte[] digest(byte[] salt, String password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            sha.update(password.getBytes(StandardCharsets.UTF_8));
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
