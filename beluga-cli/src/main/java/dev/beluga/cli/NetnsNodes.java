package dev.beluga.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Several nodes on one machine as network namespaces (as in ../shared/reference/node-stack.md): a bridge in the host
 * namespace with the first address of a private /24 it picks (one no route of the machine uses yet), and per node a
 * named network namespace joined to the bridge by a veth pair, with its own address on that /24, loopback up and IP
 * forwarding on. Nothing is routed to any other network. {@link #close()} deletes the namespaces and the bridge;
 * idempotent. Needs root and iproute2.
 */
public final class NetnsNodes implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NetnsNodes.class);

    /** One node: its namespace name, its file under /run/netns, and its address. */
    public record NetnsNode(String name, String netns, Path netnsFile, String ip) {}

    private final String prefix;
    private final String bridge;
    private final String bridgeIp;
    private final List<NetnsNode> nodes = new ArrayList<>();
    private final List<String> clients = new ArrayList<>();
    private boolean closed;

    private NetnsNodes(String prefix, String subnetBase) {
        this.prefix = prefix;
        this.bridge = prefix + "br";
        this.bridgeIp = subnetBase + ".1";
    }

    /** Creates {@code count} nodes named {@code <namePrefix>1..count}; on failure removes what it made. */
    public static NetnsNodes create(int count, String namePrefix) throws IOException, InterruptedException {
        String id = HexFormat.of().formatHex(new SecureRandom().generateSeed(2));
        String subnet = freeSubnet();
        NetnsNodes n = new NetnsNodes("blg" + id, subnet);
        try {
            n.ip("link", "add", n.bridge, "type", "bridge");
            n.sysctlQuiet("net.ipv6.conf." + n.bridge + ".disable_ipv6=1");
            n.ip("addr", "add", n.bridgeIp + "/24", "dev", n.bridge);
            n.ip("link", "set", n.bridge, "up");
            for (int i = 1; i <= count; i++) {
                String ns = n.prefix + "-" + namePrefix + i;
                String veth = n.prefix + "v" + i;
                String ip = subnet + "." + (10 + i);
                n.ip("netns", "add", ns);
                n.nodes.add(new NetnsNode(namePrefix + i, ns, Path.of("/run/netns", ns), ip));
                n.ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
                n.ip("link", "set", veth, "master", n.bridge, "up");
                n.ip("-n", ns, "link", "set", "lo", "up");
                n.ip("-n", ns, "addr", "add", ip + "/24", "dev", "eth0");
                n.ip("-n", ns, "link", "set", "eth0", "up");
                run("nsenter", "--net=/run/netns/" + ns, "sysctl", "-qw", "net.ipv4.ip_forward=1");
                // no default route leads out of a node; the node's own connections to cluster IPs still need a route
                // before the service proxy's output hook translates them — one that leads nowhere else
                n.ip("-n", ns, "route", "add", SERVICE_CIDR, "dev", "lo");
            }
            return n;
        } catch (IOException | InterruptedException | RuntimeException e) {
            n.close();
            throw e;
        }
    }

    public List<NetnsNode> nodes() {
        return List.copyOf(nodes);
    }

    /** The host side's address on the nodes' link (where the API server is reached from the nodes). */
    public String hostIp() {
        return bridgeIp;
    }

    String bridge() {
        return bridge;
    }

    /** The default service CIDR of {@code beluga server} (k3s's). */
    static final String SERVICE_CIDR = "10.43.0.0/16";

    /**
     * Adds a namespace on the node network that is not a node — a machine next to the cluster (e.g. to reach node
     * ports from outside) — with the address {@code .(200 + k)} for the k-th client; returns its name and address.
     * Removed by {@link #close()}.
     */
    public synchronized NetnsNode addClient(String name) throws IOException, InterruptedException {
        String ns = prefix + "-" + name;
        String subnet = bridgeIp.substring(0, bridgeIp.lastIndexOf('.'));
        String ip = subnet + "." + (200 + clients.size());
        String veth = prefix + "c" + clients.size();
        ip("netns", "add", ns);
        clients.add(ns);
        ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
        ip("link", "set", veth, "master", bridge, "up");
        ip("-n", ns, "link", "set", "lo", "up");
        ip("-n", ns, "addr", "add", ip + "/24", "dev", "eth0");
        ip("-n", ns, "link", "set", "eth0", "up");
        return new NetnsNode(name, ns, Path.of("/run/netns", ns), ip);
    }

    /** A 192.168.X.0/24 (X in 200..249) that no route of the host covers yet. */
    static String freeSubnet() throws IOException, InterruptedException {
        String routes = run("ip", "-4", "route", "show");
        SecureRandom r = new SecureRandom();
        for (int attempt = 0; attempt < 50; attempt++) {
            String base = "192.168." + (200 + r.nextInt(50));
            if (!routes.contains(base + ".")) return base;
        }
        throw new IOException("no free 192.168.200-249.0/24 subnet for the node network");
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        List<String> all = new ArrayList<>(clients);
        for (NetnsNode n : nodes) all.add(n.netns());
        for (String ns : all) {
            try {
                run("ip", "netns", "del", ns);
            } catch (IOException | InterruptedException e) {
                log.warn("deleting netns {}: {}", ns, e.getMessage());
            }
        }
        try {
            run("ip", "link", "del", bridge);
        } catch (IOException | InterruptedException e) {
            log.debug("deleting bridge {}: {}", bridge, e.getMessage());
        }
    }

    private void ip(String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "ip";
        System.arraycopy(args, 0, cmd, 1, args.length);
        run(cmd);
    }

    private void sysctlQuiet(String setting) {
        try {
            run("sysctl", "-qw", setting);
        } catch (IOException | InterruptedException ignored) {
            // IPv6 may be off entirely
        }
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " timed out");
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + ": " + out.strip());
        return out;
    }
}
