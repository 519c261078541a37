package dev.beluga.agent.pods;

import dev.beluga.agent.probes.PodHttpClient;
import dev.beluga.cri.CriClient;
import dev.beluga.cri.CriException;
import dev.beluga.cri.v1.ExecSyncResponse;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LifecycleHandler;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Runs postStart and preStop handlers (exec through CRI ExecSync, httpGet against the pod, sleep), as upstream's
 * handler runner (an HTTPS handler does not verify the pod's certificate, as upstream's). Returns null on success or upstream-style failure text. Thread-safe.
 */
public final class LifecycleHooks {
    private final CriClient cri;
    private final PodHttpClient http = new PodHttpClient(false, Duration.ofSeconds(5));

    public LifecycleHooks(CriClient cri) {
        this.cri = cri;
    }

    /** Runs the handler for a container; null when it succeeded, else why it failed. */
    public String run(LifecycleHandler h, Container container, String containerId, String podIp, Duration timeout) {
        try {
            if (h.getExec() != null && h.getExec().getCommand() != null) {
                ExecSyncResponse r = cri.execSync(containerId, h.getExec().getCommand(), timeout);
                if (r.getExitCode() == 0) return null;
                return "Exec lifecycle hook (" + h.getExec().getCommand() + ") for Container \"" + container.getName()
                    + "\" failed - error: command '" + String.join(" ", h.getExec().getCommand()) + "' exited with "
                    + r.getExitCode() + ": " + r.getStderr().toString(StandardCharsets.UTF_8);
            }
            if (h.getHttpGet() != null) {
                var g = h.getHttpGet();
                String host = g.getHost() == null || g.getHost().isEmpty() ? podIp : g.getHost();
                int port = Ports.resolve(g.getPort(), container);
                String scheme = g.getScheme() == null ? "http" : g.getScheme().toLowerCase(java.util.Locale.ROOT);
                String path = g.getPath() == null ? "/" : g.getPath().startsWith("/") ? g.getPath() : "/" + g.getPath();
                HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(scheme + "://" + host + ":" + port + path)).timeout(timeout);
                if (g.getHttpHeaders() != null) for (HTTPHeader hh : g.getHttpHeaders()) req.header(hh.getName(), hh.getValue());
                HttpResponse<Void> resp = http.get().send(req.build(), HttpResponse.BodyHandlers.discarding());
                if (resp.statusCode() >= 200 && resp.statusCode() < 400) return null;
                return "HTTP lifecycle hook (" + path + ") for Container \"" + container.getName() + "\" failed - error: HTTP status "
                    + resp.statusCode();
            }
            if (h.getSleep() != null && h.getSleep().getSeconds() != null) {
                Thread.sleep(Math.min(timeout.toMillis(), h.getSleep().getSeconds() * 1000));
                return null;
            }
            return null;
        } catch (CriException | java.io.IOException | IllegalArgumentException e) {
            return "lifecycle hook for Container \"" + container.getName() + "\" failed - error: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "lifecycle hook for Container \"" + container.getName() + "\" interrupted";
        }
    }

    /** Port numbers and names (resolved against the container's ports). */
    public static final class Ports {
        private Ports() {}

        public static int resolve(IntOrString port, Container c) {
            if (port == null) throw new IllegalArgumentException("no port");
            if (port.getIntVal() != null) return port.getIntVal();
            String name = port.getStrVal();
            if (name.matches("[0-9]+")) return Integer.parseInt(name);
            if (c.getPorts() != null) {
                for (var p : c.getPorts()) if (name.equals(p.getName())) return p.getContainerPort();
            }
            throw new IllegalArgumentException("couldn't find port: " + name + " in " + c.getName());
        }
    }
}
