package dev.beluga.agent.server;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a streaming path of the kubelet API names, as upstream's routes read it:
 * {@code /exec|attach/{ns}/{pod}[/{uid}]/{container}} and {@code /portForward/{ns}/{pod}[/{uid}]}. Immutable.
 *
 * @param namespace the pod's namespace
 * @param pod       the pod's name
 * @param uid       the pod's uid, or empty when the path has none
 * @param container the container (empty for port-forward)
 */
record StreamTarget(String namespace, String pod, String uid, String container) {
    /**
     * The target of an exec or attach path.
     *
     * @param rest the segments after the endpoint's name
     * @throws KubeletError 404 when the path has another shape; 405 for methods other than GET and POST
     */
    static StreamTarget container(Request request, List<String> rest) {
        check(request, rest, 3);
        return rest.size() == 3 ? new StreamTarget(rest.get(0), rest.get(1), "", rest.get(2))
            : new StreamTarget(rest.get(0), rest.get(1), rest.get(2), rest.get(3));
    }

    /** The target of a port-forward path; errors as {@link #container}. */
    static StreamTarget pod(Request request, List<String> rest) {
        check(request, rest, 2);
        return new StreamTarget(rest.get(0), rest.get(1), rest.size() == 3 ? rest.get(2) : "", "");
    }

    private static void check(Request request, List<String> rest, int without) {
        if ((rest.size() != without && rest.size() != without + 1) || rest.stream().anyMatch(String::isEmpty))
            throw new KubeletError(404, KubeletHandler.NOT_FOUND);
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("POST"))
            throw new KubeletError(405, KubeletHandler.METHOD_NOT_ALLOWED);
    }

    /** The request's query parameters by name, values in order. */
    static Map<String, List<String>> query(Request request) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (Fields.Field f : Request.extractQueryParameters(request, StandardCharsets.UTF_8)) m.put(f.getName(), f.getValues());
        return m;
    }

    /** Runs a runtime call, turning its {@link StreamingException} into the kubelet's answer. */
    static <T> T prepare(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (StreamingException e) {
            throw new KubeletError(e.status(), e.getMessage());
        }
    }
}
