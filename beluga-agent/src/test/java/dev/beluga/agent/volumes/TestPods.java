package dev.beluga.agent.volumes;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/** Pods and helpers shared by the volume tests. */
final class TestPods {
    static final Map<String, Quantity> ALLOCATABLE = Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi"));

    private TestPods() {
    }

    static PodBuilder pod(String uid) {
        return new PodBuilder().withNewMetadata().withName("web-0").withNamespace("shop").withUid(uid)
            .addToLabels("app", "web").addToLabels("tier", "front").endMetadata()
            .withNewSpec().withNodeName("node-a").endSpec();
    }

    /** The names in a directory, links and hidden entries included, sorted. */
    static java.util.List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static String dataTarget(Path volumeDir) throws Exception {
        return Files.readSymbolicLink(volumeDir.resolve(AtomicWriter.DATA_DIR)).toString();
    }

    static boolean exists(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }
}
