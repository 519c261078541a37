package dev.beluga.cli;

import dev.beluga.agent.AgentConfig;
import dev.beluga.agent.NodeAgent;
import dev.beluga.agent.images.BuiltinImages;
import dev.beluga.agent.images.BuiltinRegistry;
import dev.beluga.agent.images.RegistriesConfig;
import dev.beluga.agent.images.RegistryHosts;
import dev.beluga.agent.images.ImageImporter;
import dev.beluga.agent.images.MissingHostToolException;
import dev.beluga.agent.pods.PodResources;
import dev.beluga.agent.server.KubeletServingCertificate;
import dev.beluga.agent.server.KubeletTls;
import dev.beluga.pki.ClusterPki;
import dev.beluga.cri.CriClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Starts a node agent for {@code beluga server}, {@code beluga agent} and {@code beluga up}: checks what it needs on
 * this machine (root, containerd, runc, the CNI plugins) and says what is missing, builds the built-in images (pause,
 * busybox) into a cache under the data directory and imports them into the node's containerd before the node
 * registers.
 */
final class NodeAgents {
    private static final Logger log = LoggerFactory.getLogger(NodeAgents.class);

    private NodeAgents() {
    }

    /** What this machine lacks to run a node agent (empty when nothing), with how to get it. */
    static List<String> missingPrerequisites() {
        List<String> missing = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) missing.add("root (containers need it: run with sudo)");
        for (String bin : dev.beluga.cri.ContainerdProcess.missingBinaries()) missing.add(bin + " (apt-get install " + bin + ")");
        if (!Files.isExecutable(Path.of("/usr/lib/cni/bridge"))) {
            missing.add("the CNI plugins (apt-get install containernetworking-plugins)");
        }
        return missing;
    }

    /**
     * Creates (not starts) an agent whose runtime gets the built-in images from {@code imageCache}, with the registry
     * configuration of {@link RegistriesConfig#DEFAULT_PATH} when that file exists.
     */
    static NodeAgent create(KubernetesClient client, AgentConfig config, Path imageCache, String version,
                            Function<NodeAgent.AgentContext, PodResources> resources) throws java.io.IOException {
        return create(client, config, imageCache, version, resources, RegistriesConfig.load(RegistriesConfig.DEFAULT_PATH), false);
    }

    /**
     * Creates (not starts) an agent whose runtime gets the built-in images from {@code imageCache} and pulls through
     * the mirrors of {@code registries} (written as containerd host configs when the agent runs its own containerd).
     */
    static NodeAgent create(KubernetesClient client, AgentConfig config, Path imageCache, String version,
                            Function<NodeAgent.AgentContext, PodResources> resources, RegistriesConfig registries,
                            boolean disableDefaultRegistryEndpoint) {
        NodeAgent[] agent = new NodeAgent[1];
        agent[0] = new NodeAgent(client, config, resources, socket -> {
            BuiltinRegistry registry = importBuiltinImages(socket, imageCache);
            if (registry != null) agent[0].closeWith(registry);
            if (config.criSocket().isPresent()) return; // a runtime of the user's: its registry config is theirs
            try {
                RegistryHosts.write(socket.getParent().resolve("certs.d"), registries,
                    registry == null ? Optional.empty() : Optional.of(registry.port()), disableDefaultRegistryEndpoint);
            } catch (java.io.IOException e) {
                log.warn("writing the registry configuration: {}", e.toString());
            }
        }, "v1.32.0-beluga-" + version);
        return agent[0];
    }

    /**
     * The kubelet API's TLS identity, issued by the cluster CA: a serving certificate for the node's name, its IP
     * (given, or the machine's first IPv4 address) and 127.0.0.1, and the CA as the only trusted client issuer.
     * Needs the CA's key, so only agents on the server's machine can use it (the server's own agent; remote agents
     * join with a token and get theirs from the server, see {@code NodeJoin}).
     */
    static KubeletTls kubeletTls(ClusterPki pki, String nodeName, String nodeIp) throws java.io.IOException {
        List<java.net.InetAddress> ips = new ArrayList<>();
        ips.add(java.net.InetAddress.getByName("127.0.0.1"));
        ips.addAll(nodeAddresses(nodeIp));
        return new KubeletTls(KubeletServingCertificate.issue(pki.ca(), nodeName, List.of(), ips), List.of(pki.caCertificate()));
    }

    /** The node's address for its kubelet serving certificate: {@code nodeIp}, or the machine's first IPv4 address (none: empty). */
    static List<java.net.InetAddress> nodeAddresses(String nodeIp) throws java.io.IOException {
        String ip = nodeIp != null ? nodeIp : dev.beluga.agent.node.MachineInfo.read(Path.of("/")).internalIp().orElse(null);
        return ip == null ? List.of() : List.of(java.net.InetAddress.getByName(ip));
    }

    /** The pods' environment and volumes from the cluster's objects. */
    static PodResources resources(NodeAgent.AgentContext ctx) {
        return dev.beluga.agent.pods.PodResourcesFactory.cluster(ctx);
    }

    /**
     * Builds and imports the built-in images, then serves them from a registry on loopback (the caller makes it the
     * first docker.io mirror of this containerd, so that {@code imagePullPolicy: Always} on them works offline);
     * returns that registry, or null when the images could not be made (the reason is logged).
     */
    static BuiltinRegistry importBuiltinImages(Path socket, Path imageCache) {
        try (CriClient cri = new CriClient(socket)) {
            BuiltinImages images = new BuiltinImages(imageCache);
            ImageImporter importer = new ImageImporter(socket, cri);
            long t0 = System.nanoTime();
            importer.ensureImported(images.pause());
            importer.ensureImported(images.busybox());
            BuiltinRegistry registry = BuiltinRegistry.start(images.all());
            log.info("built-in images {} and {} ready in {} ms, mirrored for docker.io on 127.0.0.1:{}", BuiltinImages.PAUSE_IMAGE,
                BuiltinImages.BUSYBOX_NAMES, (System.nanoTime() - t0) / 1_000_000, registry.port());
            return registry;
        } catch (MissingHostToolException e) {
            log.warn("the built-in images cannot be built here: {}", e.getMessage());
        } catch (Exception e) {
            log.warn("importing the built-in images failed: {}", e.toString());
        }
        return null;
    }
}
