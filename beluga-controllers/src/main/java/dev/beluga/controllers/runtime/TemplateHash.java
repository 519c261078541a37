package dev.beluga.controllers.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hash that names a pod template's generation ({@code pod-template-hash} of Deployments,
 * {@code controller-revision-hash} of DaemonSets and StatefulSets): stable for equal templates, changed by the
 * collision count, 10 characters of the alphabet upstream uses for generated names. Stateless.
 */
public final class TemplateHash {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private TemplateHash() {
    }

    public static String of(PodTemplateSpec template, int collisionCount) {
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
}
