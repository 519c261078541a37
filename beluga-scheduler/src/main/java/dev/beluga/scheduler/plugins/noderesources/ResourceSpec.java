package dev.beluga.scheduler.plugins.noderesources;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** A resource considered by a scoring strategy, with its weight (upstream {@code config.ResourceSpec}). */
public record ResourceSpec(String name, long weight) {
    public static final List<ResourceSpec> DEFAULT = List.of(new ResourceSpec("cpu", 1), new ResourceSpec("memory", 1));

    /** Reads {@code [{name, weight}]}; missing or empty gives cpu and memory with weight 1. */
    static List<ResourceSpec> parse(JsonNode list, String path) {
        if (list == null || list.isMissingNode() || list.isNull() || list.isEmpty()) return DEFAULT;
        if (!list.isArray()) throw new IllegalArgumentException(path + ": must be a list");
        List<ResourceSpec> out = new ArrayList<>();
        for (JsonNode r : list) {
            String name = r.path("name").asText("");
            if (name.isEmpty()) throw new IllegalArgumentException(path + ".name: required");
            long w = r.path("weight").asLong(1);
            if (w <= 0 || w > 100) throw new IllegalArgumentException(path + ".weight: must be in the range [1, 100]");
            out.add(new ResourceSpec(name, w));
        }
        return List.copyOf(out);
    }
}
