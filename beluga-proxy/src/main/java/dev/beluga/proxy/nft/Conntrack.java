package dev.beluga.proxy.nft;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Clears UDP conntrack entries that would keep sending datagrams to an endpoint that is gone (UDP has no connection
 * to break, so without this a client keeps talking to the removed backend until the entry times out), with the
 * {@code conntrack} command (Debian package conntrack). Missing tool: logged once, nothing cleared.
 */
final class Conntrack {
    private static final Logger log = LoggerFactory.getLogger(Conntrack.class);
    private final String binary;
    private final List<String> prefix;
    private boolean warned;

    Conntrack(List<String> prefix) {
        this.prefix = List.copyOf(prefix);
        String found = null;
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin")) {
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, "conntrack"))) {
                found = dir + "/conntrack";
                break;
            }
        }
        this.binary = found;
    }

    /** Deletes UDP flows to {@code serviceIp} that were translated to {@code endpointIp}. */
    void clearServiceEndpoint(String serviceIp, String endpointIp) {
        run(List.of("-D", "-p", "udp", "--orig-dst", serviceIp, "--reply-src", endpointIp));
    }

    /** Deletes UDP flows to node port {@code nodePort} that were translated to {@code endpointIp}. */
    void clearNodePortEndpoint(int nodePort, String endpointIp) {
        run(List.of("-D", "-p", "udp", "--orig-port-dst", Integer.toString(nodePort), "--reply-src", endpointIp));
    }

    /** Deletes every UDP flow to {@code serviceIp} (a Service that just got its first endpoint). */
    void clearService(String serviceIp) {
        run(List.of("-D", "-p", "udp", "--orig-dst", serviceIp));
    }

    private void run(List<String> args) {
        if (binary == null) {
            if (!warned) log.warn("conntrack is not installed (apt-get install conntrack): stale UDP flows are not cleared");
            warned = true;
            return;
        }
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(binary);
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
            // exit status 1 = "0 flow entries have been deleted": nothing to clear
        } catch (IOException e) {
            log.debug("conntrack {}: {}", args, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
