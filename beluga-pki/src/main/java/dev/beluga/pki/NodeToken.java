package dev.beluga.pki;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A node join token in k3s's "secure" format, {@code K10<ca hash>::<user>:<secret>}:
 *
 * <ul>
 *   <li>{@code ca hash}: the lower-case hex SHA-256 of the cluster's CA bundle exactly as the server serves it at
 *       {@code /cacerts} (the PEM of {@code ca.crt} as stored). A joining agent downloads that bundle without trusting
 *       it, compares its hash with this one, and from then on trusts only that CA: the token authenticates the server
 *       to the agent.</li>
 *   <li>{@code user:secret}: HTTP basic credentials with which the agent asks the server for its certificates: the
 *       token authenticates the agent to the server. Agents' tokens have the user {@value #NODE_USER}.</li>
 * </ul>
 *
 * <p>The secret is never part of {@link #toString()}; {@link #text()} is the whole token. Immutable.
 */
public final class NodeToken {
    private static final Logger log = LoggerFactory.getLogger(NodeToken.class);
    /** The prefix of the secure format. */
    public static final String PREFIX = "K10";
    /** The user of agents' tokens. */
    public static final String NODE_USER = "node";
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern USER = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final int MAX_SECRET = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String caHash;
    private final String user;
    private final String secret;

    private NodeToken(String caHash, String user, String secret) {
        this.caHash = caHash;
        this.user = user;
        this.secret = secret;
    }

    /**
     * Parses a token in the secure format. Surrounding whitespace (a trailing newline from a file) is ignored; the
     * hash may be in upper case.
     *
     * @throws IllegalArgumentException naming what is wrong (never quoting the secret): not {@code K10...}, a hash that
     *                                  is not 64 hex digits, no {@code ::}, no {@code user:secret}, an invalid user or
     *                                  secret
     */
    public static NodeToken parse(String text) {
        Objects.requireNonNull(text, "token");
        String t = text.strip();
        if (!t.startsWith(PREFIX))
            throw new IllegalArgumentException("not a secure join token: it must look like K10<sha256 of the cluster CA>::node:<secret>"
                + " (`beluga token` on the server prints it)");
        int sep = t.indexOf("::");
        if (sep < 0) throw new IllegalArgumentException("malformed join token: no \"::\" after the CA hash");
        String hash = t.substring(PREFIX.length(), sep).toLowerCase(Locale.ROOT);
        if (!HASH.matcher(hash).matches())
            throw new IllegalArgumentException("malformed join token: the CA hash after K10 must be 64 hex digits (SHA-256), found "
                + hash.length() + " characters");
        String credentials = t.substring(sep + 2);
        int colon = credentials.indexOf(':');
        if (colon < 0) throw new IllegalArgumentException("malformed join token: the part after \"::\" must be <user>:<secret>");
        String user = credentials.substring(0, colon);
        if (!USER.matcher(user).matches()) throw new IllegalArgumentException("malformed join token: invalid user \"" + user + "\"");
        String secret = credentials.substring(colon + 1);
        checkSecret(secret);
        return new NodeToken(hash, user, secret);
    }

    /** The token for a CA bundle ({@link #caHash(byte[])}) with the user {@value #NODE_USER} and {@code secret}. */
    public static NodeToken forCa(byte[] caBundlePem, String secret) {
        checkSecret(secret);
        return new NodeToken(caHash(caBundlePem), NODE_USER, secret);
    }

    /** The lower-case hex SHA-256 of {@code caBundlePem}'s bytes. */
    public static String caHash(byte[] caBundlePem) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(caBundlePem));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new random secret: 24 bytes from {@link SecureRandom}, as 48 hex digits. */
    public static String newSecret() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * Checks that {@code secret} can be part of a token: 1 to 256 printable ASCII characters, no white space.
     *
     * @throws IllegalArgumentException otherwise (without quoting it)
     */
    public static void checkSecret(String secret) {
        if (secret == null || secret.isEmpty()) throw new IllegalArgumentException("the token secret must not be empty");
        if (secret.length() > MAX_SECRET) throw new IllegalArgumentException("the token secret is longer than " + MAX_SECRET + " characters");
        if (!secret.chars().allMatch(c -> c > ' ' && c < 0x7f))
            throw new IllegalArgumentException("the token secret must be printable ASCII without white space");
    }

    /**
     * The server's token, kept in {@code file} (mode 0600) so that it stays the same across restarts: the stored one,
     * or one with a new random secret at first start. {@code requested} ({@code beluga server --token}) replaces the
     * secret: either a bare secret, or a whole token whose CA hash must be this CA's. The file is (re)written when its
     * content differs from the result (also when it held the hash of another CA bundle).
     *
     * @throws IOException              when the file cannot be read or written, or it is not a token (it is not
     *                                  overwritten then, unless a secret is requested)
     * @throws IllegalArgumentException when {@code requested} is invalid, or a whole token for another CA or user
     */
    public static NodeToken loadOrCreate(Path file, byte[] caBundlePem, String requested) throws IOException {
        String hash = caHash(caBundlePem);
        String wanted = null;
        if (requested != null) {
            String r = requested.strip();
            if (r.startsWith(PREFIX)) {
                NodeToken given = parse(r);
                if (!given.caHash.equals(hash))
                    throw new IllegalArgumentException("the given token is for another cluster CA: its hash is " + given.caHash
                        + ", this server's CA hash is " + hash);
                if (!given.user.equals(NODE_USER))
                    throw new IllegalArgumentException("the given token's user must be \"" + NODE_USER + "\", not \"" + given.user + "\"");
                wanted = given.secret;
            } else {
                checkSecret(r);
                wanted = r;
            }
        }
        NodeToken stored = null;
        if (Files.exists(file)) {
            try {
                stored = parse(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                if (wanted == null)
                    throw new IOException(file + " does not hold a join token (" + e.getMessage() + "); remove it to create a new one,"
                        + " or give the secret with --token");
            }
        }
        String secret = wanted != null ? wanted : stored != null ? stored.secret : newSecret();
        if (stored != null && wanted != null && !MessageDigest.isEqual(bytes(stored.secret), bytes(wanted)))
            log.warn("the node token's secret in {} is replaced by the one given: agents that joined keep their certificates,"
                + " new agents need the new token", file);
        NodeToken token = new NodeToken(hash, NODE_USER, secret);
        if (stored == null || !stored.text().equals(token.text())) {
            SecureFiles.createPrivateDirectories(file.toAbsolutePath().getParent());
            SecureFiles.writeSecret(file, token.text() + "\n");
        }
        return token;
    }

    /** The lower-case hex SHA-256 of the CA bundle this token trusts. */
    public String caHash() {
        return caHash;
    }

    /** The user of the credentials part. */
    public String user() {
        return user;
    }

    /** The secret of the credentials part. */
    public String secret() {
        return secret;
    }

    /** True when {@code caBundlePem} is the bundle this token names. */
    public boolean matchesCa(byte[] caBundlePem) {
        return MessageDigest.isEqual(bytes(caHash), bytes(caHash(caBundlePem)));
    }

    /** True when {@code user} and {@code secret} are this token's (compared in constant time). */
    public boolean accepts(String user, String secret) {
        if (user == null || secret == null) return false;
        boolean userOk = MessageDigest.isEqual(bytes(this.user), bytes(user));
        boolean secretOk = MessageDigest.isEqual(bytes(this.secret), bytes(secret));
        return userOk & secretOk;
    }

    /** The whole token, secret included: {@code K10<hash>::<user>:<secret>}. */
    public String text() {
        return PREFIX + caHash + "::" + user + ":" + secret;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeToken t && t.text().equals(text());
    }

    @Override
    public int hashCode() {
        return text().hashCode();
    }

    /** The token without its secret. */
    @Override
    public String toString() {
        return PREFIX + caHash + "::" + user + ":<secret>";
    }
}
