package dev.beluga.apiserver.authz;

import dev.beluga.apiserver.auth.UserInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns an HTTP request into authorization {@link Attributes}, as upstream's {@code RequestInfoFactory}:
 *
 * <ul>
 *   <li>{@code /api/v1/...} and {@code /apis/GROUP/VERSION/...} with at least a resource are resource requests;
 *       everything else ({@code /api}, {@code /apis/apps/v1}, {@code /version}, {@code /openapi/v3}, ...) is a
 *       non-resource request whose verb is the lower-case method;</li>
 *   <li>verb from the method (POST create, GET/HEAD get, PUT update, PATCH patch, DELETE delete), a GET without a name
 *       is list, or watch with {@code watch=true|1}; a DELETE without a name is deletecollection; a {@code watch/} or
 *       {@code proxy/} path segment before the resource is the verb;</li>
 *   <li>{@code namespaces/NS/RESOURCE/NAME/SUBRESOURCE}; {@code namespaces/NAME[/status|finalize]} is the namespace
 *       itself (its namespace is its name); a list or watch with {@code fieldSelector=metadata.name=X} names X.</li>
 * </ul>
 * Stateless.
 */
public final class RequestAttributes {
    private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

    private RequestAttributes() {
    }

    /** @param query a query parameter's first value, or null */
    public static Attributes of(UserInfo user, String method, String path, Function<String, String> query) {
        List<String> parts = new ArrayList<>();
        for (String p : path.split("/")) if (!p.isEmpty()) parts.add(p);
        String nonResourceVerb = method.toLowerCase(Locale.ROOT);
        if (parts.size() < 3 || !parts.get(0).equals("api") && !parts.get(0).equals("apis"))
            return Attributes.nonResource(user, nonResourceVerb, path);
        int i = 1;
        String group = "";
        if (parts.get(0).equals("apis")) {
            if (parts.size() < 4) return Attributes.nonResource(user, nonResourceVerb, path);
            group = parts.get(1);
            i = 2;
        }
        String version = parts.get(i++);
        String verb;
        boolean special = false;
        if (parts.get(i).equals("watch") || parts.get(i).equals("proxy")) {
            if (parts.size() - i < 2) return Attributes.nonResource(user, nonResourceVerb, path);
            verb = parts.get(i++);
            special = true;
        } else {
            verb = dev.beluga.http.ApiVerbs.ofMethod(method);
        }
        List<String> rest = parts.subList(i, parts.size());
        String namespace = "";
        if (rest.get(0).equals("namespaces")) {
            if (rest.size() > 1) {
                namespace = rest.get(1);
                if (rest.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(rest.get(2))) rest = rest.subList(2, rest.size());
            }
        }
        String resource = rest.get(0);
        String name = rest.size() >= 2 ? rest.get(1) : "";
        String subresource = rest.size() >= 3 && !verb.equals("proxy") ? rest.get(2) : "";
        if (name.isEmpty() && verb.equals("get")) {
            String watch = query.apply("watch");
            verb = watch != null && (watch.equals("true") || watch.equals("1")) ? "watch" : "list";
        }
        if (name.isEmpty() && (verb.equals("list") || verb.equals("watch"))) name = nameFromFieldSelector(query.apply("fieldSelector"));
        if (name.isEmpty() && verb.equals("delete")) verb = "deletecollection";
        if (special && name.isEmpty() && verb.equals("watch")) name = nameFromFieldSelector(query.apply("fieldSelector"));
        return new Attributes(user, verb, true, path, namespace, group, version, resource, subresource, name);
    }

    /** X of a field selector requiring {@code metadata.name=X} (or {@code ==}); empty otherwise. */
    static String nameFromFieldSelector(String selector) {
        if (selector == null) return "";
        for (String term : selector.split(",")) {
            String t = term.trim();
            String value = t.startsWith("metadata.name==") ? t.substring(15) : t.startsWith("metadata.name=") ? t.substring(14) : null;
            if (value != null && !value.isEmpty() && !value.contains("/") && !value.equals(".") && !value.equals("..")) return value;
        }
        return "";
    }
}
