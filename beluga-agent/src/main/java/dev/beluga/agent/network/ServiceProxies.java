package dev.beluga.agent.network;

import dev.beluga.proxy.Proxier;
import dev.beluga.proxy.ProxyRunner;
import dev.beluga.proxy.ServiceChangeTracker;
import dev.beluga.proxy.nft.NftablesProxier;
import dev.beluga.proxy.userspace.IpAddressManager;
import dev.beluga.proxy.userspace.UserspaceProxier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;

/**
 * Chooses and starts the node's service proxy (the agent's kube-proxy) for a {@code proxyMode}: {@code nftables},
 * {@code userspace}, {@code none}, or {@code auto} (nftables when the nft command and the kernel allow it, else
 * userspace).
 */
public final class ServiceProxies {
    private static final Logger log = LoggerFactory.getLogger(ServiceProxies.class);
    /** Changes are programmed at most this often (bursts coalesce into one transaction). */
    static final Duration MIN_SYNC_INTERVAL = Duration.ofMillis(100);
    /** Everything is rewritten from scratch this often, as upstream's nftables mode does, to undo outside edits. */
    static final Duration FULL_SYNC_INTERVAL = Duration.ofHours(1);

    private ServiceProxies() {
    }

    /**
     * Starts the proxy following all Services and EndpointSlices through the node's shared informers; empty for mode
     * {@code none}.
     *
     * @param podCidr this node's pod CIDR (traffic to cluster IPs from elsewhere is masqueraded)
     */
    public static Optional<ProxyRunner> start(ServiceInformers informers, String mode, String nodeName, String podCidr) {
        Proxier proxier = switch (mode) {
            case "none" -> null;
            case "nftables" -> new NftablesProxier(nodeName, podCidr);
            case "userspace" -> new UserspaceProxier(nodeName, new IpAddressManager());
            case "auto" -> {
                if (NftablesProxier.available()) yield new NftablesProxier(nodeName, podCidr);
                log.warn("nftables is not usable on node {} (apt-get install nftables, and root): userspace service proxy", nodeName);
                yield new UserspaceProxier(nodeName, new IpAddressManager());
            }
            default -> throw new IllegalArgumentException("unknown proxy mode " + mode + " (nftables, userspace, none, auto)");
        };
        if (proxier == null) return Optional.empty();
        ProxyRunner runner = new ProxyRunner(proxier, new ServiceChangeTracker(), MIN_SYNC_INTERVAL, FULL_SYNC_INTERVAL)
            .watch(informers.services(), informers.slices()).start();
        log.info("service proxy of node {}: {} mode", nodeName, proxier.mode());
        return Optional.of(runner);
    }
}
