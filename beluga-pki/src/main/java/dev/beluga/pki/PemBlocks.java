package dev.beluga.pki;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The blocks of PEM text (RFC 7468, and the RFC 1421 headers of OpenSSL's traditional encrypted keys): text outside
 * blocks is ignored. Stateless; thread-safe.
 */
final class PemBlocks {
    private PemBlocks() {
    }

    /**
     * One block.
     *
     * @param type      the label, e.g. "CERTIFICATE"
     * @param der       the decoded contents
     * @param encrypted true when the block has a {@code Proc-Type: 4,ENCRYPTED} header (an encrypted traditional key)
     */
    record Block(String type, byte[] der, boolean encrypted) {
    }

    /**
     * Every block of {@code pem}, in order.
     *
     * @throws IllegalArgumentException for a block without its END line, with a different END label, or whose
     *                                  contents are not Base64
     */
    static List<Block> parse(String pem) {
        Objects.requireNonNull(pem, "pem");
        List<Block> out = new ArrayList<>();
        String type = null;
        boolean encrypted = false;
        StringBuilder body = new StringBuilder();
        for (String raw : pem.split("\r?\n|\r")) {
            String line = raw.strip();
            if (type == null) {
                if (line.startsWith("-----BEGIN ") && line.endsWith("-----") && line.length() > 16) {
                    type = line.substring(11, line.length() - 5);
                    encrypted = false;
                    body.setLength(0);
                }
            } else if (line.startsWith("-----END ")) {
                if (!line.equals("-----END " + type + "-----")) throw new IllegalArgumentException("PEM block " + type + " ends with " + line);
                try {
                    out.add(new Block(type, Base64.getMimeDecoder().decode(body.toString()), encrypted));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("PEM block " + type + " is not Base64: " + e.getMessage(), e);
                }
                type = null;
            } else if (line.indexOf(':') > 0) {
                if (line.replace(" ", "").equalsIgnoreCase("Proc-Type:4,ENCRYPTED")) encrypted = true;
            } else {
                body.append(line);
            }
        }
        if (type != null) throw new IllegalArgumentException("PEM block " + type + " has no END line");
        return out;
    }
}
