package dev.beluga.agent.pods;

import dev.beluga.agent.AgentSerialization;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Static pods (upstream's file pod source and mirror pods): every {@code *.yaml}, {@code *.yml} or {@code *.json}
 * file holding a Pod in the manifest directory runs on this node whether or not the API server answers. Its pod is
 * named {@code <name>-<node>} (namespace {@code default} unless the manifest says), bound to this node, and its uid is
 * the config hash — a hash of the manifest and the node — so an edited file is a new pod, as upstream. For each, a
 * mirror pod (annotation {@code kubernetes.io/config.mirror}, owned by the Node) is kept in the API so that kubectl
 * sees it; statuses are written to the mirror pod; a mirror pod someone deleted, or one of an older config, is
 * replaced. Pods with the mirror annotation coming from the API are never run themselves.
 *
 * <p>Threading: {@link #scan()} and the mirror callbacks are synchronized; the pod callbacks are called with the
 * lock held and must not block for long (PodWorkers only queue).
 */
public final class StaticPods implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StaticPods.class);
    public static final String MIRROR = "kubernetes.io/config.mirror";
    static final String SOURCE = "kubernetes.io/config.source";
    static final String HASH = "kubernetes.io/config.hash";
    static final String SEEN = "kubernetes.io/config.seen";

    private final Path dir;
    private final Node node;
    private final KubernetesClient client;
    private final Consumer<Pod> run;
    private final Consumer<Pod> stop;
    private final Map<Path, Pod> pods = new HashMap<>();
    private java.nio.file.WatchService watcher;

    /**
     * @param run  called with a static pod that appeared or changed (the worker syncs it)
     * @param stop called with a static pod whose file went away or changed (the worker removes it)
     */
    public StaticPods(Path dir, Node node, KubernetesClient client, Consumer<Pod> run, Consumer<Pod> stop) {
        this.dir = dir;
        this.node = node;
        this.client = client;
        this.run = run;
        this.stop = stop;
    }

    public static boolean isMirror(Pod pod) {
        Map<String, String> a = pod.getMetadata().getAnnotations();
        return a != null && a.containsKey(MIRROR);
    }

    /** Reads the manifest directory: starts new pods, stops removed ones, replaces changed ones; then mirrors. */
    public synchronized void scan() {
        Map<Path, Pod> found = new HashMap<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.sorted().toList()) {
                    String n = f.getFileName().toString();
                    if (n.startsWith(".") || !(n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"))) continue;
                    Pod p = read(f);
                    if (p != null) found.put(f, p);
                }
            } catch (IOException e) {
                log.warn("reading static pod manifests in {}: {}", dir, e.toString());
                return;
            }
        }
        for (var it = pods.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            Pod now = found.get(e.getKey());
            if (now != null && uid(now).equals(uid(e.getValue()))) continue;
            log.info("static pod {}/{} {}", e.getValue().getMetadata().getNamespace(), e.getValue().getMetadata().getName(),
                now == null ? "removed" : "changed");
            stop.accept(e.getValue());
            deleteMirror(e.getValue());
            it.remove();
        }
        for (var e : found.entrySet()) {
            if (pods.containsKey(e.getKey())) continue;
            pods.put(e.getKey(), e.getValue());
            log.info("static pod {}/{} from {}", e.getValue().getMetadata().getNamespace(), e.getValue().getMetadata().getName(), e.getKey());
            run.accept(e.getValue());
        }
        for (Pod p : pods.values()) ensureMirror(p, null);
    }

    /** The static pod of this name, or null. */
    public synchronized Pod get(String namespace, String name) {
        for (Pod p : pods.values()) {
            if (p.getMetadata().getNamespace().equals(namespace) && p.getMetadata().getName().equals(name)) return p;
        }
        return null;
    }

    /** A mirror pod was added or changed in the API: replace it when it is being deleted or of another config. */
    public synchronized void onMirror(Pod mirror) {
        Pod own = get(mirror.getMetadata().getNamespace(), mirror.getMetadata().getName());
        boolean stale = own == null || !uid(own).equals(mirror.getMetadata().getAnnotations().get(MIRROR));
        if (stale || mirror.getMetadata().getDeletionTimestamp() != null) {
            delete(mirror);
            if (own != null) ensureMirror(own, null);
        }
    }

    /** A mirror pod left the API: make it again if its static pod still runs. */
    public synchronized void onMirrorDeleted(Pod mirror) {
        Pod own = get(mirror.getMetadata().getNamespace(), mirror.getMetadata().getName());
        if (own != null) ensureMirror(own, mirror);
    }

    private void ensureMirror(Pod pod, Pod deleted) {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        try {
            Pod existing = deleted != null ? null : client.pods().inNamespace(ns).withName(name).get();
            if (existing != null) {
                if (uid(pod).equals(existing.getMetadata().getAnnotations() == null ? null
                    : existing.getMetadata().getAnnotations().get(MIRROR)) && existing.getMetadata().getDeletionTimestamp() == null) return;
                delete(existing);
            }
            Pod mirror = new PodBuilder(pod).editMetadata().withUid(null).withResourceVersion(null)
                .addToAnnotations(MIRROR, uid(pod))
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Node")
                    .withName(node.getMetadata().getName()).withUid(node.getMetadata().getUid()).withController(true).build())
                .endMetadata().withStatus(null).build();
            client.pods().inNamespace(ns).resource(mirror).create();
            log.info("mirror pod {}/{} created", ns, name);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) log.warn("mirror pod {}/{}: {}", ns, name, e.getMessage());
        }
    }

    private void deleteMirror(Pod pod) {
        try {
            Pod m = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).get();
            if (m != null && isMirror(m)) delete(m);
        } catch (KubernetesClientException e) {
            log.debug("deleting mirror pod {}: {}", pod.getMetadata().getName(), e.getMessage());
        }
    }

    private void delete(Pod mirror) {
        try {
            client.pods().inNamespace(mirror.getMetadata().getNamespace()).withName(mirror.getMetadata().getName())
                .withGracePeriod(0).delete();
        } catch (KubernetesClientException e) {
            log.debug("deleting mirror pod {}: {}", mirror.getMetadata().getName(), e.getMessage());
        }
    }

    private static String uid(Pod p) {
        return p.getMetadata().getUid();
    }

    /** The static pod a manifest file describes, or null (logged) when it is not a Pod. */
    Pod read(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Object parsed = AgentSerialization.INSTANCE.unmarshal(text);
            if (!(parsed instanceof Pod p) || p.getMetadata() == null || p.getMetadata().getName() == null || p.getSpec() == null) {
                log.warn("static pod manifest {} does not hold a Pod with a name and a spec", file);
                return null;
            }
            String nodeName = node.getMetadata().getName();
            String hash = hash(nodeName + "\n" + AgentSerialization.INSTANCE.asJson(p));
            Map<String, String> annotations = new HashMap<>(p.getMetadata().getAnnotations() == null ? Map.of() : p.getMetadata().getAnnotations());
            annotations.put(SOURCE, "file");
            annotations.put(HASH, hash);
            annotations.put(SEEN, Instant.now().toString());
            return new PodBuilder(p).editMetadata().withName(p.getMetadata().getName() + "-" + nodeName)
                .withNamespace(p.getMetadata().getNamespace() == null ? "default" : p.getMetadata().getNamespace())
                .withUid(hash).withAnnotations(annotations).withCreationTimestamp(Instant.now().toString()).endMetadata()
                .editSpec().withNodeName(nodeName).endSpec().withStatus(null).build();
        } catch (RuntimeException | IOException e) {
            log.warn("static pod manifest {}: {}", file, e.getMessage());
            return null;
        }
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Scans again whenever a file of the directory changes (inotify, as upstream's file source; the caller's periodic
     * {@link #scan()} stays the fallback). Creates the directory if missing.
     */
    public synchronized void watch() throws IOException {
        if (watcher != null) return;
        Files.createDirectories(dir);
        watcher = dir.getFileSystem().newWatchService();
        dir.register(watcher, java.nio.file.StandardWatchEventKinds.ENTRY_CREATE, java.nio.file.StandardWatchEventKinds.ENTRY_DELETE,
            java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY);
        java.nio.file.WatchService w = watcher;
        Thread.ofVirtual().name("static-pods-watch").start(() -> {
            try {
                while (true) {
                    java.nio.file.WatchKey key = w.take();
                    key.pollEvents();
                    key.reset();
                    scan();
                }
            } catch (InterruptedException | java.nio.file.ClosedWatchServiceException e) {
                // closed
            }
        });
    }

    @Override
    public synchronized void close() {
        if (watcher == null) return;
        try {
            watcher.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** The static pods now known (for housekeeping and tests). */
    public synchronized List<Pod> pods() {
        return List.copyOf(pods.values());
    }
}
