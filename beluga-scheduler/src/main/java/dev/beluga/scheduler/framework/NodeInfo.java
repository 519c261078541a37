package dev.beluga.scheduler.framework;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node with the pods on it and sums precomputed for the plugins (upstream {@code framework.NodeInfo}): requested
 * resources, non-zero requested cpu/memory for scoring, allocatable, used host ports, pods with (anti-)affinity, the
 * node's images and PVC reference counts.
 *
 * <p>Every mutation takes a new value from a global generation counter, which lets the cache copy only the nodes
 * that changed into the scheduling {@code Snapshot}.
 *
 * <p>Not thread-safe. The cache's instances are guarded by the cache lock; a snapshot's instances are written only by
 * {@code SchedulerCache.updateSnapshot} on the scheduling thread between cycles and are read-only during a cycle
 * (plugins that want to change one, e.g. preemption, work on a {@link #snapshotClone()}).
 */
public final class NodeInfo {
    private static final AtomicLong GENERATION = new AtomicLong();

    private Node node;
    private String name;
    private Map<String, String> labels = Map.of();
    private ArrayList<PodInfo> pods = new ArrayList<>(4);
    private ArrayList<PodInfo> podsWithAffinity = new ArrayList<>(0);
    private ArrayList<PodInfo> podsWithRequiredAntiAffinity = new ArrayList<>(0);
    private HostPortInfo usedPorts = new HostPortInfo();
    private Resource requested = new Resource();
    private long nonZeroMilliCpu;
    private long nonZeroMemory;
    private Resource allocatable = new Resource();
    private Map<String, Long> imageSizes = Map.of();
    private HashMap<String, Integer> pvcRefCounts = new HashMap<>(0);
    private long generation;

    public NodeInfo() {
        generation = nextGeneration();
    }

    /** A node info for a node with the given pods (tests, previews). */
    public static NodeInfo of(Node node, PodInfo... pods) {
        NodeInfo ni = new NodeInfo();
        ni.setNode(node);
        for (PodInfo p : pods) ni.addPod(p);
        return ni;
    }

    /** The next value of the global generation counter. */
    public static long nextGeneration() {
        return GENERATION.incrementAndGet();
    }

    /** The node, or null for a node the cache knows only through pods bound to it. */
    public Node node() {
        return node;
    }

    public String name() {
        return name;
    }

    /** The node's labels (never null). */
    public Map<String, String> labels() {
        return labels;
    }

    /** Pods on the node, assumed ones included. Do not modify. */
    public List<PodInfo> pods() {
        return pods;
    }

    public List<PodInfo> podsWithAffinity() {
        return podsWithAffinity;
    }

    public List<PodInfo> podsWithRequiredAntiAffinity() {
        return podsWithRequiredAntiAffinity;
    }

    public HostPortInfo usedPorts() {
        return usedPorts;
    }

    /** Sum of the pods' requests. Do not modify. */
    public Resource requested() {
        return requested;
    }

    /** Sum of the pods' non-zero cpu requests (millicores), for scoring. */
    public long nonZeroMilliCpu() {
        return nonZeroMilliCpu;
    }

    /** Sum of the pods' non-zero memory requests (bytes), for scoring. */
    public long nonZeroMemory() {
        return nonZeroMemory;
    }

    /** The node's allocatable resources ({@code allowedPodNumber} from {@code pods}). Do not modify. */
    public Resource allocatable() {
        return allocatable;
    }

    /** Image sizes in bytes by normalized name ({@code :latest} added when there is no tag). */
    public Map<String, Long> imageSizes() {
        return imageSizes;
    }

    /** How many pods on the node use each PVC ({@code namespace/name}). */
    public Map<String, Integer> pvcRefCounts() {
        return pvcRefCounts;
    }

    public long generation() {
        return generation;
    }

    /** Sets or replaces the node object: allocatable, labels and images are read from it. */
    public void setNode(Node n) {
        this.node = n;
        this.name = n.getMetadata().getName();
        Map<String, String> l = n.getMetadata().getLabels();
        this.labels = l == null ? Map.of() : l;
        this.allocatable = Resource.of(n.getStatus() == null ? null : n.getStatus().getAllocatable());
        this.imageSizes = images(n);
        this.generation = nextGeneration();
    }

    /** Forgets the node object, keeping the pods (a node deleted while pods still point at it). */
    public void removeNode() {
        this.node = null;
        this.generation = nextGeneration();
    }

    /** Sets the name of a node known only through its pods. */
    public void setName(String name) {
        this.name = name;
    }

    private static Map<String, Long> images(Node n) {
        if (n.getStatus() == null || n.getStatus().getImages() == null || n.getStatus().getImages().isEmpty()) return Map.of();
        Map<String, Long> m = new HashMap<>();
        for (ContainerImage img : n.getStatus().getImages()) {
            if (img.getNames() == null) continue;
            long size = img.getSizeBytes() == null ? 0 : img.getSizeBytes();
            for (String nm : img.getNames()) m.put(normalizedImageName(nm), size);
        }
        return m;
    }

    /** Adds {@code :latest} to an image name without a tag, as upstream ImageLocality does. */
    public static String normalizedImageName(String name) {
        if (name.lastIndexOf(':') <= name.lastIndexOf('/')) return name + ":latest";
        return name;
    }

    /** Adds a pod and its requests, ports and PVC references. */
    public void addPod(PodInfo p) {
        pods.add(p);
        if (!p.requiredAffinityTerms().isEmpty() || !p.requiredAntiAffinityTerms().isEmpty()
            || !p.preferredAffinityTerms().isEmpty() || !p.preferredAntiAffinityTerms().isEmpty())
            podsWithAffinity.add(p);
        if (!p.requiredAntiAffinityTerms().isEmpty()) podsWithRequiredAntiAffinity.add(p);
        update(p, 1);
    }

    /**
     * Removes a pod (matched by UID).
     *
     * @return false when the pod was not on this node
     */
    public boolean removePod(PodInfo p) {
        String uid = p.uid();
        removeFrom(podsWithAffinity, uid);
        removeFrom(podsWithRequiredAntiAffinity, uid);
        for (int i = 0; i < pods.size(); i++) {
            PodInfo existing = pods.get(i);
            if (existing.uid().equals(uid)) {
                int last = pods.size() - 1;
                pods.set(i, pods.get(last));
                pods.remove(last);
                update(existing, -1);
                return true;
            }
        }
        return false;
    }

    private static void removeFrom(ArrayList<PodInfo> list, String uid) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).uid().equals(uid)) {
                int last = list.size() - 1;
                list.set(i, list.get(last));
                list.remove(last);
                return;
            }
        }
    }

    private void update(PodInfo p, int sign) {
        if (sign > 0) requested.add(p.requests());
        else requested.subtract(p.requests());
        nonZeroMilliCpu += sign * p.nonZeroMilliCpu();
        nonZeroMemory += sign * p.nonZeroMemory();
        for (HostPort hp : p.hostPorts()) {
            if (sign > 0) usedPorts.add(hp);
            else usedPorts.remove(hp);
        }
        for (String claim : p.pvcNames()) {
            String key = p.namespace() + "/" + claim;
            int c = pvcRefCounts.getOrDefault(key, 0) + sign;
            if (c <= 0) pvcRefCounts.remove(key);
            else pvcRefCounts.put(key, c);
        }
        generation = nextGeneration();
    }

    /**
     * A copy that can be changed without affecting this one: the lists, ports, sums and PVC counts are copied; the
     * node, the pod infos and the image map are shared (they are immutable).
     */
    public NodeInfo snapshotClone() {
        NodeInfo c = new NodeInfo();
        c.copyFrom(this);
        return c;
    }

    /** Makes this instance an independent copy of another (used to refresh snapshot entries in place). */
    public void copyFrom(NodeInfo o) {
        this.node = o.node;
        this.name = o.name;
        this.labels = o.labels;
        this.pods = new ArrayList<>(o.pods);
        this.podsWithAffinity = new ArrayList<>(o.podsWithAffinity);
        this.podsWithRequiredAntiAffinity = new ArrayList<>(o.podsWithRequiredAntiAffinity);
        this.usedPorts = o.usedPorts.isEmpty() ? new HostPortInfo() : o.usedPorts.copy();
        this.requested = o.requested.copy();
        this.nonZeroMilliCpu = o.nonZeroMilliCpu;
        this.nonZeroMemory = o.nonZeroMemory;
        this.allocatable = o.allocatable;
        this.imageSizes = o.imageSizes;
        this.pvcRefCounts = new HashMap<>(o.pvcRefCounts);
        this.generation = o.generation;
    }

    @Override
    public String toString() {
        return "NodeInfo{" + name + ", pods=" + pods.size() + ", requested=" + requested + ", allocatable=" + allocatable + "}";
    }
}
