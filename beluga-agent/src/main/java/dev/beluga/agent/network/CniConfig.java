package dev.beluga.agent.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The node's CNI network configuration: one conflist (bridge + host-local IPAM on the node's pod CIDR, portmap for
 * hostPort, loopback), written into containerd's CNI conf dir once the controller manager has given the node its
 * {@code spec.podCIDR}. containerd's CRI plugin watches that directory and reports NetworkReady once it exists.
 *
 * <p>Pod-to-pod traffic is not masqueraded ({@code ipMasq: false}): pods on other nodes see the real pod IP (routes
 * between nodes are host-gw style). Writes are atomic (temp file + rename) and idempotent.
 */
public final class CniConfig {
    public static final String FILE_NAME = "10-beluga.conflist";

    private CniConfig() {}

    /**
     * The conflist for a node.
     *
     * @param networkName unique per node (host-local keeps its leases per network name)
     * @param bridge      the bridge device pods are attached to, e.g. cni0
     * @param podCidr     the node's pod CIDR, e.g. 10.42.0.0/24; the gateway is its first address
     * @param ipamDir     host-local's private lease directory
     */
    public static String conflist(String networkName, String bridge, String podCidr, Path ipamDir) {
        String gateway = gateway(podCidr);
        return """
            {
              "cniVersion": "1.0.0",
              "name": "%s",
              "plugins": [
                {
                  "type": "bridge",
                  "bridge": "%s",
                  "isGateway": true,
                  "ipMasq": false,
                  "hairpinMode": true,
                  "ipam": {
                    "type": "host-local",
                    "dataDir": "%s",
                    "ranges": [[{ "subnet": "%s", "gateway": "%s" }]],
                    "routes": [{ "dst": "0.0.0.0/0" }]
                  }
                },
                { "type": "portmap", "capabilities": { "portMappings": true }, "snat": true },
                { "type": "loopback" }
              ]
            }
            """.formatted(networkName, bridge, ipamDir, podCidr, gateway);
    }

    /** Writes the conflist into {@code confDir} (atomically); returns its path. */
    public static Path write(Path confDir, String networkName, String bridge, String podCidr, Path ipamDir) throws IOException {
        Files.createDirectories(confDir);
        Files.createDirectories(ipamDir);
        Path target = confDir.resolve(FILE_NAME);
        String text = conflist(networkName, bridge, podCidr, ipamDir);
        if (Files.exists(target) && Files.readString(target).equals(text)) return target;
        Path tmp = confDir.resolve("." + FILE_NAME + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /** The first host address of an IPv4 CIDR (10.42.3.0/24 → 10.42.3.1). */
    public static String gateway(String cidr) {
        String[] parts = cidr.split("/");
        String[] octets = parts[0].split("\\.");
        if (octets.length != 4 || parts.length != 2) throw new IllegalArgumentException("not an IPv4 CIDR: " + cidr);
        long ip = 0;
        for (String o : octets) ip = (ip << 8) | Integer.parseInt(o);
        int bits = Integer.parseInt(parts[1]);
        long mask = bits == 0 ? 0 : (0xffffffffL << (32 - bits)) & 0xffffffffL;
        long gw = (ip & mask) + 1;
        return ((gw >> 24) & 0xff) + "." + ((gw >> 16) & 0xff) + "." + ((gw >> 8) & 0xff) + "." + (gw & 0xff);
    }
}
