package dev.beluga.controllers.daemonset;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Template hashes for ControllerRevisions and the {@code controller-revision-hash} label: a stable hash of the pod
 * template (plus the collision count), spelled with the alphabet upstream uses for generated names. Stateless.
 */
final class Revisions {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private Revisions() {
    }

    static String hash(PodTemplateSpec template, int collisionCount) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(JSON.writeValueAsString(JSON.valueToTree(template)).getBytes(StandardCharsets.UTF_8));
            if (collisionCount > 0) d.update(Integer.toString(collisionCount).getBytes(StandardCharsets.UTF_8));
            byte[] h = d.digest();
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 10; i++) b.append(ALPHABET.charAt((h[i] & 0xff) % ALPHABET.length()));
            return b.toString();
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The template as ControllerRevision data ({@code {"spec":{"template":...}}}, as upstream stores a DaemonSet patch). */
    static ObjectNode data(PodTemplateSpec template) {
        ObjectNode data = JSON.createObjectNode();
        ObjectNode spec = data.putObject("spec");
        ObjectNode t = JSON.valueToTree(template);
        t.put("$patch", "replace");
        spec.set("template", t);
        return data;
    }
}
