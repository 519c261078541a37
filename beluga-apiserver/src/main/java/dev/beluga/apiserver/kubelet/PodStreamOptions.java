package dev.beluga.apiserver.kubelet;

import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.http.Exchange;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The query of {@code pods/exec} and {@code pods/attach} (a v1 PodExecOptions or PodAttachOptions) as the API server
 * decodes it, and the query it sends the kubelet (upstream {@code streamParams}). Immutable.
 *
 * <ul>
 *   <li>Decoding: {@code stdin}, {@code stdout}, {@code stderr}, {@code tty} are false when absent, {@code 0} or
 *       {@code false} (any case), true otherwise; {@code container}; {@code command} (every value, in order; exec
 *       only).</li>
 *   <li>Defaulting, as upstream's parameter codec does after decoding a non-empty query: {@code stdout} and
 *       {@code stderr} are always true then, whatever the query says (so {@code stdout=false} has no effect); an
 *       empty query leaves everything false, and the kubelet then refuses the request.</li>
 *   <li>{@link #kubeletQuery()}: the kubelet's names {@code input}, {@code output}, {@code error}, {@code tty} with
 *       value {@code 1}, and {@code command}, sorted by name as Go's {@code url.Values} encodes them.</li>
 * </ul>
 *
 * @param container the {@code container} parameter, empty when absent
 */
record PodStreamOptions(String container, boolean stdin, boolean stdout, boolean stderr, boolean tty, List<String> command) {
    PodStreamOptions {
        command = List.copyOf(command);
    }

    /** Decodes and defaults the query; {@code exec} tells whether {@code command} is read. */
    static PodStreamOptions parse(Exchange ex, boolean exec) {
        String query = ex.request().getHttpURI().getQuery();
        boolean any = query != null && java.util.Arrays.stream(query.split("&")).anyMatch(p -> !p.isEmpty());
        String container = ex.query("container") == null ? "" : ex.query("container");
        return new PodStreamOptions(container, flag(ex, "stdin"), any || flag(ex, "stdout"), any || flag(ex, "stderr"),
            flag(ex, "tty"), exec ? ex.queryAll("command") : List.of());
    }

    /** The query string for the kubelet's {@code /exec} or {@code /attach}. */
    String kubeletQuery() {
        Map<String, List<String>> params = new TreeMap<>();
        for (String c : command) params.computeIfAbsent("command", k -> new ArrayList<>()).add(c);
        if (stderr) params.put("error", List.of("1"));
        if (stdin) params.put("input", List.of("1"));
        if (stdout) params.put("output", List.of("1"));
        if (tty) params.put("tty", List.of("1"));
        return encode(params);
    }

    /**
     * The {@code ports} of {@code pods/portforward} (v1 PodPortForwardOptions): repeated or comma-separated, each
     * parsed as Go's {@code strconv.ParseUint(v, 10, 16)}.
     *
     * @throws StatusException 400 {@code cannot convert to []int32: strconv.ParseUint: parsing "x": invalid syntax}
     */
    static List<Integer> ports(Exchange ex) {
        List<Integer> ports = new ArrayList<>();
        for (String value : ex.queryAll("ports")) {
            for (String v : value.split(",", -1)) {
                String error = null;
                if (v.isEmpty() || !v.chars().allMatch(c -> c >= '0' && c <= '9')) error = "invalid syntax";
                else if (v.length() > 5 || Integer.parseInt(v) > 65535) error = "value out of range";
                if (error != null)
                    throw StatusException.badRequest("cannot convert to []int32: strconv.ParseUint: parsing " + PodLogOptions.quote(v) + ": " + error);
                ports.add(Integer.parseInt(v));
            }
        }
        return List.copyOf(ports);
    }

    /** The kubelet's query for port-forward: {@code port=80,8080}, or nothing without ports. */
    static String portForwardQuery(List<Integer> ports) {
        if (ports.isEmpty()) return "";
        List<String> s = new ArrayList<>();
        for (int p : ports) s.add(Integer.toString(p));
        return encode(Map.of("port", List.of(String.join(",", s))));
    }

    /** Go's {@code url.Values.Encode}: keys in order (the caller sorts), {@code QueryEscape}d keys and values. */
    private static String encode(Map<String, List<String>> params) {
        List<String> parts = new ArrayList<>();
        for (var e : params.entrySet())
            for (String v : e.getValue()) parts.add(queryEscape(e.getKey()) + "=" + queryEscape(v));
        return String.join("&", parts);
    }

    /** Go's {@code url.QueryEscape}: like Java's form encoding, but {@code *} escaped and {@code ~} not. */
    static String queryEscape(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~");
    }

    private static boolean flag(Exchange ex, String name) {
        String v = ex.query(name);
        if (v == null) return false;
        return !(v.equals("0") || v.toLowerCase(Locale.ROOT).equals("false"));
    }
}
