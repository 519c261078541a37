package dev.beluga.agent.server;

/**
 * A kubelet API request as authorization attributes, as upstream's kubelet maps them: the resource {@code nodes}
 * (core group) named as this node, the verb from the method (POST create, GET/HEAD get, PUT update, PATCH patch,
 * DELETE delete) and the subresource from the path: {@code /stats/...} stats, {@code /metrics/...} metrics,
 * {@code /logs/...} log, {@code /checkpoint/...} checkpoint, everything else ({@code /containerLogs}, {@code /exec},
 * {@code /attach}, {@code /portForward}, {@code /run}, {@code /pods}, {@code /healthz}) proxy. Immutable.
 */
public record KubeletRequestAttributes(String verb, String nodeName, String subresource) {
    public static KubeletRequestAttributes of(String method, String path, String nodeName) {
        String verb = dev.beluga.http.ApiVerbs.ofMethod(method);
        String sub = under(path, "/stats") ? "stats" : under(path, "/metrics") ? "metrics" : under(path, "/logs") ? "log"
            : under(path, "/checkpoint") ? "checkpoint" : "proxy";
        return new KubeletRequestAttributes(verb, nodeName, sub);
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    /** Upstream's refusal body: {@code Forbidden (user=u, verb=get, resource=nodes, subresource=proxy)}. */
    public String refusal(String user) {
        return "Forbidden (user=" + user + ", verb=" + verb + ", resource=nodes, subresource=" + subresource + ")";
    }
}
