package dev.beluga.agent.probes;

import dev.beluga.agent.pods.LifecycleHooks;
import dev.beluga.cri.CriClient;
import dev.beluga.cri.CriException;
import dev.beluga.cri.v1.ExecSyncResponse;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.Probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Runs one probe once, as upstream's prober: exec through CRI ExecSync (success = exit 0), httpGet against the pod IP
 * (success = status 200–399; the User-Agent is {@code kube-probe/<version>}), tcpSocket (success = the connection
 * opens); an HTTPS probe does not verify the pod's certificate, as upstream. Each run is bounded by the probe's timeoutSeconds (default 1 s). Thread-safe.
 */
public final class Prober {
    /** A probe's outcome; {@code detail} says why it failed (upstream's event text). */
    public record Result(boolean success, String detail) {}

    private final CriClient cri;
    private final PodHttpClient http = new PodHttpClient(true, Duration.ofSeconds(10));

    public Prober(CriClient cri) {
        this.cri = cri;
    }

    public Result run(Probe p, Container c, String containerId, String podIp) {
        Duration timeout = Duration.ofSeconds(p.getTimeoutSeconds() == null || p.getTimeoutSeconds() < 1 ? 1 : p.getTimeoutSeconds());
        try {
            if (p.getExec() != null) {
                ExecSyncResponse r = cri.execSync(containerId, p.getExec().getCommand(), timeout);
                if (r.getExitCode() == 0) return new Result(true, "");
                String out = (r.getStdout().toString(StandardCharsets.UTF_8) + r.getStderr().toString(StandardCharsets.UTF_8)).strip();
                return new Result(false, out.isEmpty() ? "command " + p.getExec().getCommand() + " exited with " + r.getExitCode() : out);
            }
            if (p.getHttpGet() != null) {
                var g = p.getHttpGet();
                String host = g.getHost() == null || g.getHost().isEmpty() ? podIp : g.getHost();
                int port = LifecycleHooks.Ports.resolve(g.getPort(), c);
                String scheme = g.getScheme() == null ? "http" : g.getScheme().toLowerCase(java.util.Locale.ROOT);
                String path = g.getPath() == null ? "/" : g.getPath().startsWith("/") ? g.getPath() : "/" + g.getPath();
                HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(scheme + "://" + host + ":" + port + path))
                    .timeout(timeout).header("User-Agent", "kube-probe/1.32");
                if (g.getHttpHeaders() != null) for (HTTPHeader h : g.getHttpHeaders()) req.setHeader(h.getName(), h.getValue());
                HttpResponse<Void> r = http.get().send(req.build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() >= 200 && r.statusCode() < 400) return new Result(true, "");
                return new Result(false, "HTTP probe failed with statuscode: " + r.statusCode());
            }
            if (p.getTcpSocket() != null) {
                String host = p.getTcpSocket().getHost() == null || p.getTcpSocket().getHost().isEmpty() ? podIp : p.getTcpSocket().getHost();
                int port = LifecycleHooks.Ports.resolve(p.getTcpSocket().getPort(), c);
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
                    return new Result(true, "");
                }
            }
            if (p.getGrpc() != null) return new Result(false, "gRPC probes are not supported by this node agent");
            return new Result(false, "the probe has no handler");
        } catch (CriException e) {
            return new Result(false, e.getMessage());
        } catch (java.net.http.HttpTimeoutException e) {
            return new Result(false, "Get \"" + e.getMessage() + "\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
        } catch (IOException | IllegalArgumentException e) {
            return new Result(false, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "interrupted");
        }
    }
}
