package dev.beluga.apiserver.http;

import java.util.Locale;

/**
 * What representation a client accepts, from its Accept header: a Table (kubectl get), YAML, or JSON (the default,
 * also for clients that prefer protobuf but accept JSON, as kubectl's typed clients do).
 */
public record Negotiation(Format format, String tableVersion) {
    public enum Format { JSON, YAML, TABLE }

    public static Negotiation of(String accept) {
        if (accept == null || accept.isBlank()) return new Negotiation(Format.JSON, null);
        for (String part : accept.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (p.startsWith("application/json") && p.contains("as=table") && p.contains("g=meta.k8s.io")) {
                return new Negotiation(Format.TABLE, p.contains("v=v1beta1") ? "v1beta1" : "v1");
            }
            if (p.startsWith("application/json") || p.startsWith("*/*") || p.startsWith("application/*")) {
                if (p.contains("as=") && !p.contains("as=table")) continue; // e.g. PartialObjectMetadata: not yet
                return new Negotiation(Format.JSON, null);
            }
            if (p.startsWith("application/yaml")) return new Negotiation(Format.YAML, null);
        }
        return new Negotiation(Format.JSON, null);
    }
}
