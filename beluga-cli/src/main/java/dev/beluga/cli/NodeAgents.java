package dev.beluga.cli;

import dev.beluga.agent.AgentConfig;
import dev.beluga.agent.NodeAgent;
import dev.beluga.agent.images.BuiltinImages;
import dev.beluga.agent.images.ImageImporter;
import dev.beluga.agent.images.MissingHostToolException;
import dev.beluga.agent.pods.PodResources;
import dev.beluga.cri.CriClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    /** Creates (not starts) an agent whose runtime gets the built-in images from {@code imageCache}. */
    static NodeAgent create(KubernetesClient client, AgentConfig config, Path imageCache, String version,
                            Function<NodeAgent.AgentContext, PodResources> resources) {
        return new NodeAgent(client, config, resources, socket -> importBuiltinImages(socket, imageCache), "v1.32.0-beluga-" + version);
    }

    /** The pods' environment and volumes from the cluster's objects. */
    static PodResources resources(NodeAgent.AgentContext ctx) {
        return dev.beluga.agent.pods.PodResourcesFactory.cluster(ctx);
    }

    static void importBuiltinImages(Path socket, Path imageCache) {
        try (CriClient cri = new CriClient(socket)) {
            BuiltinImages images = new BuiltinImages(imageCache);
            ImageImporter importer = new ImageImporter(socket, cri);
            long t0 = System.nanoTime();
            importer.ensureImported(images.pause());
            importer.ensureImported(images.busybox());
            log.info("built-in images {} and {} ready in {} ms", BuiltinImages.PAUSE_IMAGE, BuiltinImages.BUSYBOX_NAMES,
                (System.nanoTime() - t0) / 1_000_000);
        } catch (MissingHostToolException e) {
            log.warn("the built-in images cannot be built here: {}", e.getMessage());
        } catch (Exception e) {
            log.warn("importing the built-in images failed: {}", e.toString());
        }
    }
}
