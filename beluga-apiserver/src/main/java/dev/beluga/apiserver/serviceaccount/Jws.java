package dev.beluga.apiserver.serviceaccount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.pki.ServiceAccountKey;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.List;

/**
 * Compact JWS (RFC 7515) signing and verification with the JDK, for service-account tokens: ES256 for EC P-256 keys
 * (the JDK's {@code SHA256withECDSAinP1363Format} is exactly JWS's R||S form), RS256 for RSA keys. The header is
 * {@code {"alg":...,"kid":...}} as kube-apiserver writes it.
 *
 * <p>Verification is strict: three base64url parts, a JSON object header whose {@code alg} is the key's algorithm
 * (never {@code none}, never another), a {@code kid} (when present) naming one of the keys, a valid signature, a JSON
 * object payload. Claims are not checked here ({@link TokenClaims}). Stateless and thread-safe.
 */
public final class Jws {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Jws() {
    }

    /** Thrown for a token that is not a valid JWS of one of the keys; the message says why (never the token). */
    public static final class InvalidTokenException extends Exception {
        public InvalidTokenException(String message) {
            super(message);
        }
    }

    /** The compact serialization of {@code claims} signed with {@code key}. */
    public static String sign(ServiceAccountKey key, ObjectNode claims) {
        String alg = algorithm(key.keyPair().getPublic());
        ObjectNode header = Json.object().put("alg", alg).put("kid", key.keyId());
        String input = ENCODER.encodeToString(Json.bytes(header)) + "." + ENCODER.encodeToString(Json.bytes(claims));
        try {
            Signature s = Signature.getInstance(jcaName(alg));
            s.initSign(key.keyPair().getPrivate());
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + ENCODER.encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the service-account key: " + e.getMessage(), e);
        }
    }

    /** The payload of {@code token} if one of {@code keys} signed it. */
    public static ObjectNode verify(String token, List<ServiceAccountKey> keys) throws InvalidTokenException {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) throw new InvalidTokenException("not a compact JWS");
        ObjectNode header = object(parts[0], "header");
        String alg = header.path("alg").asText("");
        String kid = header.path("kid").asText(null);
        byte[] signature = decode(parts[2], "signature");
        byte[] input = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        for (ServiceAccountKey key : keys) {
            if (kid != null && !kid.equals(key.keyId())) continue;
            PublicKey pub = key.keyPair().getPublic();
            if (!alg.equals(algorithm(pub))) continue;
            try {
                Signature s = Signature.getInstance(jcaName(alg));
                s.initVerify(pub);
                s.update(input);
                if (s.verify(signature)) return object(parts[1], "payload");
            } catch (GeneralSecurityException e) {
                // a malformed signature for this key: try the next one
            }
        }
        throw new InvalidTokenException("invalid signature");
    }

    private static ObjectNode object(String part, String what) throws InvalidTokenException {
        try {
            JsonNode n = Json.parse(decode(part, what));
            if (n instanceof ObjectNode o) return o;
        } catch (java.io.IOException e) {
            // reported below
        }
        throw new InvalidTokenException("the " + what + " is not a JSON object");
    }

    private static byte[] decode(String part, String what) throws InvalidTokenException {
        try {
            return DECODER.decode(part);
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException("the " + what + " is not base64url");
        }
    }

    private static String algorithm(PublicKey key) {
        return switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> {
                if (key instanceof java.security.interfaces.ECPublicKey ec && ec.getParams().getCurve().getField().getFieldSize() != 256)
                    throw new IllegalArgumentException("service-account EC keys must be on P-256");
                yield "ES256";
            }
            case "RSA" -> "RS256";
            default -> throw new IllegalArgumentException("unsupported service-account key algorithm " + key.getAlgorithm());
        };
    }

    private static String jcaName(String alg) {
        return alg.equals("ES256") ? "SHA256withECDSAinP1363Format" : "SHA256withRSA";
    }
}
