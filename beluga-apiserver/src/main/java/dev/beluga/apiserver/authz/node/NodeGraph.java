package dev.beluga.apiserver.authz.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.registry.CachedObject;
import dev.beluga.apiserver.registry.LocalInformer;
import dev.beluga.apiserver.registry.RegistryStore;
import dev.beluga.apiserver.registry.ResourceRegistry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which objects each node may see because of the pods bound to it (upstream's Node authorizer graph, kept as reference
 * counts instead of a vertex graph): pod → node from {@code spec.nodeName}, the pod's Secrets, ConfigMaps, claims and
 * ServiceAccount ({@link PodReferences}), and claim → PersistentVolume from the claims' {@code spec.volumeName}. Fed by
 * {@link LocalInformer}s over pods and PersistentVolumeClaims, or directly in tests.
 *
 * <p>The graph follows the caches a little behind, so a node that asks right after a pod was bound to it could be
 * refused: when the graph finds no relationship, the pods cache itself is consulted (the pod, or the node's pods in
 * the object's namespace) before answering no.
 *
 * <p>Threading: the maps are guarded by this object's lock (updates are rare next to reads, and each is a few map
 * operations); the cache fallback runs outside it.
 */
public final class NodeGraph implements AutoCloseable {
    private record Bound(String node, Set<PodReferences.Ref> refs) {
    }

    private final Map<String, Bound> pods = new HashMap<>();                                  // ns/name
    private final Map<String, Map<PodReferences.Ref, Integer>> perNode = new HashMap<>();
    private final Map<String, String> claimVolumes = new HashMap<>();                        // ns/claim -> pv
    private final Map<String, Set<String>> volumeClaims = new HashMap<>();                   // pv -> ns/claim
    private final List<LocalInformer> informers = new ArrayList<>();
    private volatile RegistryStore podStore;

    /** Loads the pods and claims and follows them; returns once the current objects are in. */
    public NodeGraph start(ResourceRegistry registry) {
        podStore = registry.get("", "v1", "pods");
        informers.add(new LocalInformer(podStore.cache(), LocalInformer.Handler.of(this::clearPods, this::setPod,
            pod -> removePod(pod.path("metadata").path("namespace").asText(), pod.path("metadata").path("name").asText()))).start());
        informers.add(new LocalInformer(registry.get("", "v1", "persistentvolumeclaims").cache(), LocalInformer.Handler.of(
            this::clearClaims,
            pvc -> setClaim(pvc.path("metadata").path("namespace").asText(), pvc.path("metadata").path("name").asText(),
                pvc.path("spec").path("volumeName").asText("")),
            pvc -> setClaim(pvc.path("metadata").path("namespace").asText(), pvc.path("metadata").path("name").asText(), ""))).start());
        return this;
    }

    /** Adds or replaces a pod; a pod without {@code spec.nodeName} relates to no node. */
    public synchronized void setPod(ObjectNode pod) {
        String ns = pod.path("metadata").path("namespace").asText();
        String name = pod.path("metadata").path("name").asText();
        removePod(ns, name);
        String node = pod.path("spec").path("nodeName").asText("");
        if (node.isEmpty()) return;
        Set<PodReferences.Ref> refs = PodReferences.of(pod);
        pods.put(ns + "/" + name, new Bound(node, refs));
        Map<PodReferences.Ref, Integer> counts = perNode.computeIfAbsent(node, k -> new HashMap<>());
        for (PodReferences.Ref r : refs) counts.merge(r, 1, Integer::sum);
    }

    public synchronized void removePod(String namespace, String name) {
        Bound b = pods.remove(namespace + "/" + name);
        if (b == null) return;
        Map<PodReferences.Ref, Integer> counts = perNode.get(b.node());
        for (PodReferences.Ref r : b.refs()) counts.computeIfPresent(r, (k, n) -> n == 1 ? null : n - 1);
        if (counts.isEmpty()) perNode.remove(b.node());
    }

    /** Records that a claim is bound to {@code volume} (empty: unbound or deleted). */
    public synchronized void setClaim(String namespace, String name, String volume) {
        String key = namespace + "/" + name;
        String old = claimVolumes.remove(key);
        if (old != null) {
            Set<String> claims = volumeClaims.get(old);
            claims.remove(key);
            if (claims.isEmpty()) volumeClaims.remove(old);
        }
        if (volume.isEmpty()) return;
        claimVolumes.put(key, volume);
        volumeClaims.computeIfAbsent(volume, k -> new HashSet<>()).add(key);
    }

    private synchronized void clearPods() {
        pods.clear();
        perNode.clear();
    }

    private synchronized void clearClaims() {
        claimVolumes.clear();
        volumeClaims.clear();
    }

    /** The node a pod is bound to, or null (unknown pod, or not scheduled). */
    public String nodeOf(String namespace, String pod) {
        synchronized (this) {
            Bound b = pods.get(namespace + "/" + pod);
            if (b != null) return b.node();
        }
        RegistryStore store = podStore;
        if (store == null) return null;
        CachedObject c = store.cache().get(store.type().storageKey(namespace, pod));
        String node = c == null ? null : c.field("spec.nodeName");
        return node == null || node.isEmpty() ? null : node;
    }

    /**
     * Whether a pod bound to {@code node} refers to the object ({@code kind}: secrets, configmaps,
     * persistentvolumeclaims, serviceaccounts), or, for {@code persistentvolumes}, to a claim bound to it.
     */
    public boolean related(String node, String kind, String namespace, String name) {
        if (relatedInGraph(node, kind, namespace, name)) return true;
        RegistryStore store = podStore;
        if (store == null) return false;
        Set<String> claims = kind.equals("persistentvolumes") ? claimsOf(name) : null;
        String prefix = kind.equals("persistentvolumes") ? null : store.type().storageKey(namespace, "");
        for (CachedObject c : store.cache().snapshot(prefix, o -> node.equals(o.field("spec.nodeName"))).items()) {
            for (PodReferences.Ref r : PodReferences.of(c.object())) {
                if (claims == null ? r.equals(new PodReferences.Ref(kind, namespace, name))
                    : r.kind().equals("persistentvolumeclaims") && claims.contains(r.namespace() + "/" + r.name())) return true;
            }
        }
        return false;
    }

    private synchronized Set<String> claimsOf(String volume) {
        return Set.copyOf(volumeClaims.getOrDefault(volume, Set.of()));
    }

    private synchronized boolean relatedInGraph(String node, String kind, String namespace, String name) {
        Map<PodReferences.Ref, Integer> counts = perNode.get(node);
        if (counts == null) return false;
        if (!kind.equals("persistentvolumes")) return counts.containsKey(new PodReferences.Ref(kind, namespace, name));
        for (String claim : volumeClaims.getOrDefault(name, Set.of())) {
            int slash = claim.indexOf('/');
            if (counts.containsKey(new PodReferences.Ref("persistentvolumeclaims", claim.substring(0, slash), claim.substring(slash + 1))))
                return true;
        }
        return false;
    }

    @Override
    public void close() {
        informers.forEach(LocalInformer::close);
    }
}
