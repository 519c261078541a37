package dev.beluga.apiserver.authz;

import dev.beluga.apiserver.auth.UserInfo;

/**
 * What a request asks to do, as upstream's {@code authorizer.Attributes}: who, which verb, and either a resource
 * (API group, resource, subresource, namespace, name) or a non-resource path. Immutable.
 *
 * @param verb resource requests: get, list, watch, create, update, patch, delete, deletecollection (or a custom verb
 *             such as bind, escalate, impersonate, proxy, approve); non-resource requests: the lower-case HTTP method
 */
public record Attributes(UserInfo user, String verb, boolean resourceRequest, String path, String namespace,
                         String apiGroup, String apiVersion, String resource, String subresource, String name) {
    public Attributes {
        namespace = namespace == null ? "" : namespace;
        apiGroup = apiGroup == null ? "" : apiGroup;
        apiVersion = apiVersion == null ? "" : apiVersion;
        resource = resource == null ? "" : resource;
        subresource = subresource == null ? "" : subresource;
        name = name == null ? "" : name;
        path = path == null ? "" : path;
    }

    /** A resource request. */
    public static Attributes resource(UserInfo user, String verb, String group, String resource, String subresource,
                                      String namespace, String name) {
        return new Attributes(user, verb, true, "", namespace, group, "*", resource, subresource, name);
    }

    /** A non-resource request for {@code path}. */
    public static Attributes nonResource(UserInfo user, String verb, String path) {
        return new Attributes(user, verb, false, path, "", "", "", "", "", "");
    }

    /** The same request made by {@code other}. */
    public Attributes withUser(UserInfo other) {
        return new Attributes(other, verb, resourceRequest, path, namespace, apiGroup, apiVersion, resource, subresource, name);
    }

    /** The same resource request with another verb (e.g. {@code bind}, {@code escalate}). */
    public Attributes withVerb(String other) {
        return new Attributes(user, other, resourceRequest, path, namespace, apiGroup, apiVersion, resource, subresource, name);
    }

    /** {@code resource/subresource}, or just the resource. */
    public String resourceWithSubresource() {
        return subresource.isEmpty() ? resource : resource + "/" + subresource;
    }

    /**
     * Upstream's wording of a refusal ({@code User "alice" cannot list resource "pods" in API group "" in the
     * namespace "default"}), without the {@code ... is forbidden: } prefix.
     */
    public String refusal() {
        String who = user == null ? "" : user.name();
        if (!resourceRequest) return "User \"" + who + "\" cannot " + verb + " path \"" + path + "\"";
        String what = "User \"" + who + "\" cannot " + verb + " resource \"" + resourceWithSubresource() + "\" in API group \"" + apiGroup + "\"";
        return namespace.isEmpty() ? what + " at the cluster scope" : what + " in the namespace \"" + namespace + "\"";
    }
}
