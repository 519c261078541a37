package dev.beluga.apiserver.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.registry.ResourceRegistry;
import dev.beluga.apiserver.registry.ResourceType;

import java.util.List;

/**
 * The discovery documents kubectl and client libraries read before anything else: legacy {@code /api},
 * {@code /apis} and per group-version resource lists, and aggregated discovery (apidiscovery.k8s.io v2 and v2beta1),
 * chosen by the Accept header. Built from the {@link ResourceRegistry}; cached (they never change at run time).
 */
public final class Discovery {
    private final ResourceRegistry registry;
    private final List<ExtraGroup> extras;

    /** A group served by something other than the registry (e.g. metrics.k8s.io), for discovery only. */
    public record ExtraGroup(String group, String version, List<ObjectNode> legacyResources, List<ObjectNode> aggregatedResources) {
    }

    public Discovery(ResourceRegistry registry, List<ExtraGroup> extras) {
        this.registry = registry;
        this.extras = extras;
    }

    public ObjectNode legacyApi(String serverAddress) {
        ObjectNode o = Json.object().put("kind", "APIVersions");
        o.putArray("versions").add("v1");
        o.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0").put("serverAddress", serverAddress);
        return o;
    }

    public ObjectNode legacyGroups() {
        ObjectNode o = Json.object().put("kind", "APIGroupList").put("apiVersion", "v1");
        ArrayNode groups = o.putArray("groups");
        for (String g : registry.groups()) {
            if (g.isEmpty()) continue;
            groups.add(group(g, registry.versions(g)));
        }
        for (ExtraGroup e : extras) groups.add(group(e.group(), List.of(e.version())));
        return o;
    }

    /** The versions served of group {@code g} (the registry's, or an extra group's); empty when it is not served. */
    public List<String> versions(String g) {
        List<String> versions = registry.versions(g);
        if (!versions.isEmpty()) return versions;
        return extras.stream().filter(e -> e.group().equals(g)).map(ExtraGroup::version).toList();
    }

    public ObjectNode group(String g, List<String> versions) {
        ObjectNode grp = Json.object().put("kind", "APIGroup").put("apiVersion", "v1").put("name", g);
        ArrayNode vs = grp.putArray("versions");
        for (String v : versions) vs.addObject().put("groupVersion", g + "/" + v).put("version", v);
        grp.putObject("preferredVersion").put("groupVersion", g + "/" + versions.getFirst()).put("version", versions.getFirst());
        return grp;
    }

    /** {@code /api/v1} or {@code /apis/g/v}: an APIResourceList, or null if the group-version is not served. */
    public ObjectNode resourceList(String group, String version) {
        List<ResourceType> types = registry.types(group, version);
        ExtraGroup extra = extras.stream().filter(e -> e.group().equals(group) && e.version().equals(version)).findFirst().orElse(null);
        if (types.isEmpty() && extra == null) return null;
        ObjectNode o = Json.object().put("kind", "APIResourceList").put("apiVersion", "v1")
            .put("groupVersion", group.isEmpty() ? version : group + "/" + version);
        ArrayNode res = o.putArray("resources");
        for (ResourceType t : types) {
            ObjectNode r = res.addObject().put("name", t.plural()).put("singularName", t.singular())
                .put("namespaced", t.namespaced()).put("kind", t.kind());
            verbs(r.putArray("verbs"), t.verbs());
            if (!t.shortNames().isEmpty()) strings(r.putArray("shortNames"), t.shortNames());
            if (!t.categories().isEmpty()) strings(r.putArray("categories"), t.categories());
            for (ResourceType.Subresource s : t.subresources()) {
                ObjectNode sr = res.addObject().put("name", t.plural() + "/" + s.name()).put("singularName", "")
                    .put("namespaced", t.namespaced());
                if (!s.group().equals(group) || !s.version().equals(version)) sr.put("group", s.group()).put("version", s.version());
                sr.put("kind", s.kind());
                strings(sr.putArray("verbs"), s.verbs());
            }
        }
        if (extra != null) extra.legacyResources().forEach(res::add);
        return o;
    }

    /** Aggregated discovery of the core group ({@code /api}) or of all other groups ({@code /apis}). */
    public ObjectNode aggregated(boolean core, String version) {
        ObjectNode o = Json.object().put("kind", "APIGroupDiscoveryList").put("apiVersion", "apidiscovery.k8s.io/" + version);
        o.putObject("metadata");
        ArrayNode items = o.putArray("items");
        for (String g : registry.groups()) {
            if (core != g.isEmpty()) continue;
            ObjectNode item = items.addObject();
            item.putObject("metadata").put("name", g);
            ArrayNode vs = item.putArray("versions");
            for (String v : registry.versions(g)) {
                ObjectNode vo = vs.addObject().put("version", v);
                ArrayNode rs = vo.putArray("resources");
                for (ResourceType t : registry.types(g, v)) rs.add(aggregatedResource(t));
                vo.put("freshness", "Current");
            }
        }
        if (!core) {
            for (ExtraGroup e : extras) {
                ObjectNode item = items.addObject();
                item.putObject("metadata").put("name", e.group());
                ObjectNode vo = item.putArray("versions").addObject().put("version", e.version());
                ArrayNode rs = vo.putArray("resources");
                e.aggregatedResources().forEach(rs::add);
                vo.put("freshness", "Current");
            }
        }
        return o;
    }

    private static ObjectNode aggregatedResource(ResourceType t) {
        ObjectNode r = Json.object().put("resource", t.plural());
        r.putObject("responseKind").put("group", t.group()).put("version", t.version()).put("kind", t.kind());
        r.put("scope", t.namespaced() ? "Namespaced" : "Cluster").put("singularResource", t.singular());
        verbs(r.putArray("verbs"), t.verbs());
        if (!t.shortNames().isEmpty()) strings(r.putArray("shortNames"), t.shortNames());
        if (!t.categories().isEmpty()) strings(r.putArray("categories"), t.categories());
        if (!t.subresources().isEmpty()) {
            ArrayNode subs = r.putArray("subresources");
            for (ResourceType.Subresource s : t.subresources()) {
                ObjectNode so = subs.addObject().put("subresource", s.name());
                so.putObject("responseKind").put("group", s.group()).put("version", s.version()).put("kind", s.kind());
                strings(so.putArray("verbs"), s.verbs());
            }
        }
        return r;
    }

    private static void verbs(ArrayNode arr, java.util.Set<String> verbs) {
        verbs.stream().sorted().forEach(arr::add);
    }

    private static void strings(ArrayNode arr, List<String> s) {
        s.forEach(arr::add);
    }
}
