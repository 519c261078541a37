package dev.beluga.agent.network;

import dev.beluga.proxy.nft.Nft;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Lets pods reach what lies outside the cluster: connections from this node's pods to any address outside the
 * cluster CIDR leave with the node's address (masquerade), as flannel's ipMasq does for k3s; pod-to-pod traffic, also
 * across nodes, keeps its pod addresses. One nftables table, {@code ip beluga-egress}, in the agent's network
 * namespace, replaced atomically by {@link #apply} and removed by {@link #remove}. Idempotent.
 */
public final class PodEgressMasquerade {
    private static final Logger log = LoggerFactory.getLogger(PodEgressMasquerade.class);
    static final String TABLE = "beluga-egress";

    private PodEgressMasquerade() {
    }

    /** The nftables script for pods in {@code podCidr} of a cluster whose pods are all in {@code clusterCidr}. */
    static String script(String podCidr, String clusterCidr) {
        return "add table ip " + TABLE + "\n"
            + "delete table ip " + TABLE + "\n"
            + "table ip " + TABLE + " {\n"
            + "  chain postrouting {\n"
            + "    type nat hook postrouting priority 110 ; policy accept ;\n"
            + "    ip saddr " + podCidr + " ip daddr != " + clusterCidr + " masquerade\n"
            + "  }\n"
            + "}\n";
    }

    /** Installs the rule; false (logged) when nftables is not usable here. */
    public static boolean apply(String podCidr, String clusterCidr) {
        try {
            nft(script(podCidr, clusterCidr));
            log.info("pods of {} reach addresses outside {} through the node's address", podCidr, clusterCidr);
            return true;
        } catch (IOException e) {
            log.warn("pod egress masquerade not installed (pods reach only the cluster): {}", e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public static void remove() {
        try {
            nft("add table ip " + TABLE + "\ndelete table ip " + TABLE + "\n");
        } catch (IOException e) {
            log.debug("removing {}: {}", TABLE, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void nft(String script) throws IOException, InterruptedException {
        Nft nft = Nft.find();
        if (nft == null) throw new IOException("the nft command is missing (apt-get install nftables)");
        nft.apply(script);
    }
}
