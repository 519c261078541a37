package dev.beluga.agent.images;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests in the OCI notation {@code sha256:<64 hex digits>}. Stateless. */
final class Sha256 {
    static final String PREFIX = "sha256:";

    private Sha256() {
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** {@code sha256:<hex>} of {@code data}. */
    static String of(byte[] data) {
        return PREFIX + HexFormat.of().formatHex(newDigest().digest(data));
    }

    /** {@code sha256:<hex>} of a file's content, read in a stream. */
    static String of(Path file) throws IOException {
        MessageDigest md = newDigest();
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return PREFIX + HexFormat.of().formatHex(md.digest());
    }

    /** The hex part of a {@code sha256:<hex>} digest. */
    static String hex(String digest) {
        if (!digest.startsWith(PREFIX) || digest.length() != PREFIX.length() + 64) {
            throw new IllegalArgumentException("not a sha256 digest: " + digest);
        }
        return digest.substring(PREFIX.length());
    }
}
