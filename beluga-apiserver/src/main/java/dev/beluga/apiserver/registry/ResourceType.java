package dev.beluga.apiserver.registry;

import java.util.List;
import java.util.Set;

/**
 * One served resource: where it lives in the API ({@code group/version/plural}), its kind, scope, verbs,
 * subresources, and the {@link Strategy} that defaults, validates and prints it.
 *
 * @param subresources e.g. "status", "scale"; connect subresources (log, exec, ...) are served elsewhere
 */
public record ResourceType(String group, String version, String kind, String plural, String singular,
                           boolean namespaced, List<String> shortNames, List<String> categories, Set<String> verbs,
                           List<Subresource> subresources, Strategy strategy) {

    /** A subresource as discovery lists it: e.g. status (same kind), scale (autoscaling/v1 Scale), log. */
    public record Subresource(String name, String group, String version, String kind, List<String> verbs) {
    }

    public boolean hasSubresource(String name) {
        for (Subresource s : subresources) if (s.name().equals(name)) return true;
        return false;
    }

    public static final Set<String> ALL_VERBS =
        Set.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    public String listKind() {
        return kind + "List";
    }

    /** The group-qualified resource, e.g. {@code deployments.apps}, as used in messages. */
    public String qualifiedPlural() {
        return group.isEmpty() ? plural : plural + "." + group;
    }

    /** Storage prefix of every object of this type: {@code /registry/<group>/<plural>/}. */
    public String storagePrefix() {
        return "/registry/" + (group.isEmpty() ? "core" : group) + "/" + plural + "/";
    }

    /** Storage key of one object. */
    public String storageKey(String namespace, String name) {
        return namespaced ? storagePrefix() + namespace + "/" + name : storagePrefix() + name;
    }

    /** Storage prefix of the objects of one namespace (or of all, when namespace is null or not namespaced). */
    public String storagePrefix(String namespace) {
        return namespaced && namespace != null ? storagePrefix() + namespace + "/" : storagePrefix();
    }

    public boolean hasStatus() {
        return hasSubresource("status");
    }
}
