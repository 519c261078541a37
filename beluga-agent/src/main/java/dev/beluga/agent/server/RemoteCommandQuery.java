package dev.beluga.agent.server;

import dev.beluga.cri.StreamFlags;

import java.util.List;
import java.util.Map;

/**
 * The query of the kubelet's {@code /exec} and {@code /attach} (upstream {@code remotecommand.NewOptions}): the
 * streams are {@code input}, {@code output}, {@code error} and {@code tty} — the names the API server uses towards
 * kubelets, not the client-facing {@code stdin}/{@code stdout}/{@code stderr} — each on only when its first value is
 * exactly {@code 1}; the command is every {@code command} value, in order. Immutable.
 *
 * @param streams the streams; stderr is dropped when a tty is asked for (a terminal has one output), as upstream
 * @param command the command for exec (empty for attach)
 */
record RemoteCommandQuery(StreamFlags streams, List<String> command) {
    RemoteCommandQuery {
        command = List.copyOf(command);
    }

    /**
     * Reads the query.
     *
     * @throws KubeletError 400 {@code you must specify at least 1 of stdin, stdout, stderr}
     */
    static RemoteCommandQuery parse(Map<String, List<String>> query) {
        boolean tty = on(query, "tty");
        boolean stdin = on(query, "input");
        boolean stdout = on(query, "output");
        boolean stderr = on(query, "error") && !tty;
        if (!stdin && !stdout && !stderr) throw new KubeletError(400, "you must specify at least 1 of stdin, stdout, stderr");
        return new RemoteCommandQuery(new StreamFlags(stdin, stdout, stderr, tty), query.getOrDefault("command", List.of()));
    }

    private static boolean on(Map<String, List<String>> query, String name) {
        List<String> v = query.get(name);
        return v != null && !v.isEmpty() && v.getFirst().equals("1");
    }
}
