package dev.beluga.agent.network;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Routes to other nodes' pods, host-gw style (like flannel's host-gw backend): for every other Node with a pod CIDR
 * and an InternalIP, {@code ip route replace <podCIDR> via <InternalIP>} in the agent's network namespace, so pods on
 * different nodes reach each other without NAT; the route of a node that went away is deleted. Requires the nodes to
 * share a link (one L2 segment). Threading: {@link #sync(List)} from one thread at a time; idempotent.
 */
public final class HostGwRoutes {
    private static final Logger log = LoggerFactory.getLogger(HostGwRoutes.class);

    private final String selfName;
    private final Map<String, String> installed = new HashMap<>(); // podCIDR -> via

    public HostGwRoutes(String selfName) {
        this.selfName = selfName;
    }

    /** Makes the routes match these nodes. */
    public synchronized void sync(List<Node> nodes) {
        Map<String, String> wanted = new HashMap<>();
        for (Node n : nodes) {
            if (selfName.equals(n.getMetadata().getName()) || n.getSpec() == null || n.getSpec().getPodCIDR() == null) continue;
            internalIp(n).ifPresent(ip -> wanted.put(n.getSpec().getPodCIDR(), ip));
        }
        for (var e : wanted.entrySet()) {
            if (e.getValue().equals(installed.get(e.getKey()))) continue;
            if (ip("route", "replace", e.getKey(), "via", e.getValue())) {
                installed.put(e.getKey(), e.getValue());
                log.info("route to pods {} via node {}", e.getKey(), e.getValue());
            }
        }
        for (var it = installed.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (wanted.containsKey(e.getKey())) continue;
            ip("route", "del", e.getKey(), "via", e.getValue());
            it.remove();
        }
    }

    static Optional<String> internalIp(Node n) {
        if (n.getStatus() == null || n.getStatus().getAddresses() == null) return Optional.empty();
        return n.getStatus().getAddresses().stream().filter(a -> "InternalIP".equals(a.getType()))
            .map(NodeAddress::getAddress).filter(a -> a.matches("[0-9.]+")).findFirst();
    }

    private static boolean ip(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "ip";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            if (p.exitValue() != 0) {
                log.warn("{} failed: {}", String.join(" ", cmd), new String(p.getInputStream().readAllBytes()).strip());
                return false;
            }
            return true;
        } catch (IOException e) {
            log.warn("{} failed: {}", String.join(" ", cmd), e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
