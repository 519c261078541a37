package dev.beluga.proxy.nft;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A test "node": a network namespace with a bridge cni0 (10.42.1.1/24) and "pods" — network namespaces attached to
 * it with addresses 10.42.1.N that the lab assigns itself — each optionally serving HTTP with busybox httpd (the page
 * says the pod's name). Everything is removed by {@link #close()}, also after a failed test.
 */
final class NetnsLab implements AutoCloseable {
    final String node;
    private final String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> servers = new ArrayList<>();
    private final Path dir;

    NetnsLab() throws Exception {
        node = "bpn-" + id;
        dir = Files.createTempDirectory("beluga-proxy-lab");
        add(node);
        sh("ip", "-n", node, "link", "set", "lo", "up");
        sh("ip", "-n", node, "link", "add", "cni0", "type", "bridge");
        sh("ip", "-n", node, "addr", "add", "10.42.1.1/24", "dev", "cni0");
        sh("ip", "-n", node, "link", "set", "cni0", "up");
        sh("ip", "netns", "exec", node, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        // the lab node has no uplink and so no default route; a real node has one: the node's own connections to
        // cluster IPs need some route (here one that leads nowhere else) before the output hook translates them
        sh("ip", "-n", node, "route", "add", "10.43.0.0/16", "dev", "lo");
    }

    private void add(String ns) throws Exception {
        sh("ip", "netns", "add", ns);
        namespaces.add(ns);
    }

    /** The netns prefix that runs a command in the node. */
    List<String> inNode() {
        return List.of("ip", "netns", "exec", node);
    }

    /** Adds a pod "name" with address 10.42.1.{n}; with {@code serve} it answers HTTP on port 80 with its name. */
    String pod(String name, int n, boolean serve) throws Exception {
        String ns = "bpp-" + id + "-" + name;
        add(ns);
        String veth = "v" + id + n;
        sh("ip", "-n", node, "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
        sh("ip", "-n", node, "link", "set", veth, "master", "cni0", "up");
        sh("ip", "-n", node, "link", "set", veth, "type", "bridge_slave", "hairpin", "on");
        sh("ip", "-n", ns, "link", "set", "lo", "up");
        sh("ip", "-n", ns, "addr", "add", "10.42.1." + n + "/24", "dev", "eth0");
        sh("ip", "-n", ns, "link", "set", "eth0", "up");
        sh("ip", "-n", ns, "route", "add", "default", "via", "10.42.1.1");
        if (serve) {
            // UDP on port 9000: every datagram is answered with the pod's name (socat, one child per datagram)
            servers.add(new ProcessBuilder("ip", "netns", "exec", ns, "socat", "UDP4-RECVFROM:9000,fork", "SYSTEM:echo " + name)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            Path www = Files.createDirectories(dir.resolve(name));
            Files.writeString(www.resolve("index.html"), name + "\n");
            servers.add(new ProcessBuilder("ip", "netns", "exec", ns, "busybox", "httpd", "-f", "-p", "80", "-h", www.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        }
        return ns;
    }

    /** {@code curl} from inside {@code ns}; the page, or null when the request failed. */
    String get(String ns, String url) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "curl", "-s", "-f", "--max-time", "3", url)
            .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return null;
        }
        return p.exitValue() == 0 ? out : null;
    }

    /**
     * Adds a machine outside the node: namespace "outside" linked to the node by a veth pair, the node 192.168.50.1,
     * the outside 192.168.50.2 routing everything through the node.
     */
    String outside() throws Exception {
        String ns = "bpo-" + id;
        add(ns);
        sh("ip", "-n", node, "link", "add", "up" + id, "type", "veth", "peer", "name", "eth0", "netns", ns);
        sh("ip", "-n", node, "addr", "add", "192.168.50.1/24", "dev", "up" + id);
        sh("ip", "-n", node, "link", "set", "up" + id, "up");
        sh("ip", "-n", ns, "link", "set", "lo", "up");
        sh("ip", "-n", ns, "addr", "add", "192.168.50.2/24", "dev", "eth0");
        sh("ip", "-n", ns, "link", "set", "eth0", "up");
        sh("ip", "-n", ns, "route", "add", "default", "via", "192.168.50.1");
        return ns;
    }

    /** One UDP datagram from {@code ns} (source port {@code sourcePort}) to ip:port; the answer, or null. */
    String udp(String ns, String ip, int port, int sourcePort) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "socat", "-T", "2", "-",
            "UDP4:" + ip + ":" + port + ",sourceport=" + sourcePort + ",reuseaddr").redirectErrorStream(true).start();
        p.getOutputStream().write("ping\n".getBytes());
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return null;
        }
        return out.isEmpty() ? null : out;
    }

    /** Waits until every server answers on its own address (they start asynchronously). */
    void awaitServers(int... hosts) throws Exception {
        for (int n : hosts) {
            for (int i = 0; i < 50 && get(node, "http://10.42.1." + n + "/") == null; i++) Thread.sleep(100);
        }
    }

    static void sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0)
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }

    @Override
    public void close() {
        for (Process p : servers) {
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String ns : namespaces.reversed()) {
            try {
                sh("ip", "netns", "del", ns);
            } catch (Exception e) {
                System.err.println("cleanup: " + e.getMessage());
            }
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // temp dir
        }
    }
}
