package dev.beluga.scheduler.cache;

import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.util.Pods;
import io.fabric8.kubernetes.api.model.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The scheduler's view of the cluster: nodes and the pods bound (or about to be bound) to them, kept as
 * {@link NodeInfo}s with precomputed sums (upstream {@code backend/cache}).
 *
 * <p><b>Pods.</b> The informer side reports bound pods ({@link #addPod}, {@link #updatePod}, {@link #removePod}).
 * The scheduling side {@link #assumePod assumes} a pod on its chosen node at once, so the next cycle already counts
 * it; after the bind call returns it calls {@link #finishBinding}, which starts the assumed pod's TTL. The pod is
 * confirmed when the informer reports it bound ({@code addPod}), forgotten when binding fails ({@link #forgetPod}),
 * and expired by {@link #cleanupExpiredAssumedPods} if never confirmed within the TTL (0 = never expire).
 *
 * <p><b>Snapshots.</b> Nodes are kept in a list ordered by last change, each {@code NodeInfo} carrying a generation
 * number; {@link #updateSnapshot} walks the list from the most recent change and copies only nodes newer than the
 * snapshot, so a cycle copies O(changed nodes), not O(nodes).
 *
 * <p><b>Threading.</b> All methods are thread-safe, serialized by one lock: informer threads, the scheduling thread
 * and binding threads call in concurrently. The lock is held only for in-memory updates.
 */
public final class SchedulerCache {
    private static final Logger log = LoggerFactory.getLogger(SchedulerCache.class);

    private final ReentrantLock lock = new ReentrantLock();
    private final Clock clock;
    private final Duration assumedPodTtl;
    private final Map<String, NodeItem> nodes = new HashMap<>();
    private NodeItem head;
    private final NodeTree nodeTree = new NodeTree();
    private final Map<String, PodState> podStates = new HashMap<>();
    private final Set<String> assumedPods = new HashSet<>();
    private final Map<String, Set<String>> imageNodes = new HashMap<>();
    private long imagesGeneration;

    private static final class NodeItem {
        final NodeInfo info;
        NodeItem prev;
        NodeItem next;

        NodeItem(NodeInfo info) {
            this.info = info;
        }
    }

    private static final class PodState {
        PodInfo pod;
        String nodeName;
        long deadlineMillis;
        boolean bindingFinished;

        PodState(PodInfo pod, String nodeName) {
            this.pod = pod;
            this.nodeName = nodeName;
        }
    }

    /**
     * @param assumedPodTtl how long an assumed pod whose binding finished may stay unconfirmed; zero means forever
     */
    public SchedulerCache(Clock clock, Duration assumedPodTtl) {
        this.clock = clock;
        this.assumedPodTtl = assumedPodTtl;
    }

    // ---- pods: scheduling side ----

    /**
     * Counts a pod on the node it was just scheduled to.
     *
     * @throws IllegalStateException when the pod is already in the cache
     */
    public void assumePod(PodInfo pod, String nodeName) {
        lock.lock();
        try {
            if (podStates.containsKey(pod.uid())) throw new IllegalStateException("pod " + pod.key() + " is in the cache, so can't be assumed");
            addPodLocked(pod, nodeName);
            podStates.put(pod.uid(), new PodState(pod, nodeName));
            assumedPods.add(pod.uid());
        } finally {
            lock.unlock();
        }
    }

    /** The bind call for an assumed pod returned: its TTL starts now. */
    public void finishBinding(PodInfo pod) {
        lock.lock();
        try {
            PodState st = podStates.get(pod.uid());
            if (st != null && assumedPods.contains(pod.uid())) {
                st.bindingFinished = true;
                st.deadlineMillis = assumedPodTtl.isZero() ? 0 : clock.millis() + assumedPodTtl.toMillis();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Removes an assumed pod (its binding failed). Does nothing for a pod that is not assumed. */
    public void forgetPod(PodInfo pod) {
        lock.lock();
        try {
            PodState st = podStates.get(pod.uid());
            if (st == null || !assumedPods.contains(pod.uid())) return;
            removePodLocked(st.pod, st.nodeName);
            podStates.remove(pod.uid());
            assumedPods.remove(pod.uid());
        } finally {
            lock.unlock();
        }
    }

    public boolean isAssumedPod(String uid) {
        lock.lock();
        try {
            return assumedPods.contains(uid);
        } finally {
            lock.unlock();
        }
    }

    /** The pod with this UID as the cache holds it (bound or assumed), or null. */
    public PodInfo getPod(String uid) {
        lock.lock();
        try {
            PodState st = podStates.get(uid);
            return st == null ? null : st.pod;
        } finally {
            lock.unlock();
        }
    }

    /** The node the cache counts a pod on, or null. */
    public String nodeOf(String uid) {
        lock.lock();
        try {
            PodState st = podStates.get(uid);
            return st == null ? null : st.nodeName;
        } finally {
            lock.unlock();
        }
    }

    /** Expires assumed pods whose binding finished more than the TTL ago; returns how many were removed. */
    public int cleanupExpiredAssumedPods() {
        long now = clock.millis();
        lock.lock();
        try {
            int n = 0;
            for (Iterator<String> it = assumedPods.iterator(); it.hasNext(); ) {
                String uid = it.next();
                PodState st = podStates.get(uid);
                if (st == null) {
                    it.remove();
                    continue;
                }
                if (!st.bindingFinished || st.deadlineMillis == 0 || now < st.deadlineMillis) continue;
                log.warn("assumed pod {} expired: never confirmed bound to {}", st.pod.key(), st.nodeName);
                removePodLocked(st.pod, st.nodeName);
                podStates.remove(uid);
                it.remove();
                n++;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    // ---- pods: informer side ----

    /** A bound pod was added (or an assumed pod confirmed). Pods without {@code spec.nodeName} are ignored. */
    public void addPod(PodInfo pod) {
        String nodeName = Pods.nodeName(pod.pod());
        if (nodeName == null) return;
        lock.lock();
        try {
            PodState st = podStates.get(pod.uid());
            if (st == null) {
                addPodLocked(pod, nodeName);
                podStates.put(pod.uid(), new PodState(pod, nodeName));
                return;
            }
            replaceLocked(st, pod, nodeName);
            assumedPods.remove(pod.uid());
            st.bindingFinished = false;
            st.deadlineMillis = 0;
        } finally {
            lock.unlock();
        }
    }

    /** A bound pod changed. An unknown pod is added. */
    public void updatePod(PodInfo oldPod, PodInfo newPod) {
        String nodeName = Pods.nodeName(newPod.pod());
        if (nodeName == null) return;
        lock.lock();
        try {
            PodState st = podStates.get(newPod.uid());
            if (st == null) {
                addPodLocked(newPod, nodeName);
                podStates.put(newPod.uid(), new PodState(newPod, nodeName));
                return;
            }
            replaceLocked(st, newPod, nodeName);
            assumedPods.remove(newPod.uid());
        } finally {
            lock.unlock();
        }
    }

    /** A bound pod was deleted (or finished). */
    public void removePod(PodInfo pod) {
        lock.lock();
        try {
            PodState st = podStates.remove(pod.uid());
            if (st == null) return;
            assumedPods.remove(pod.uid());
            removePodLocked(st.pod, st.nodeName);
        } finally {
            lock.unlock();
        }
    }

    private void replaceLocked(PodState st, PodInfo pod, String nodeName) {
        removePodLocked(st.pod, st.nodeName);
        addPodLocked(pod, nodeName);
        st.pod = pod;
        st.nodeName = nodeName;
    }

    private void addPodLocked(PodInfo pod, String nodeName) {
        NodeItem item = nodes.get(nodeName);
        if (item == null) {
            NodeInfo ni = new NodeInfo();
            ni.setName(nodeName);
            item = new NodeItem(ni);
            nodes.put(nodeName, item);
        }
        item.info.addPod(pod);
        moveToHead(item);
    }

    private void removePodLocked(PodInfo pod, String nodeName) {
        NodeItem item = nodes.get(nodeName);
        if (item == null) return;
        if (!item.info.removePod(pod)) log.debug("pod {} not found on node {}", pod.key(), nodeName);
        if (item.info.node() == null && item.info.pods().isEmpty()) removeItem(item);
        else moveToHead(item);
    }

    // ---- nodes ----

    public void addNode(Node node) {
        updateNode(null, node);
    }

    /** A node was added or changed. */
    public void updateNode(Node oldNode, Node node) {
        String name = node.getMetadata().getName();
        lock.lock();
        try {
            NodeItem item = nodes.get(name);
            if (item == null) {
                item = new NodeItem(new NodeInfo());
                nodes.put(name, item);
            }
            Node previous = item.info.node();
            nodeTree.update(previous != null ? previous : oldNode, node);
            if (previous != null) removeImages(previous.getMetadata().getName(), item.info.imageSizes().keySet());
            item.info.setNode(node);
            addImages(name, item.info.imageSizes().keySet());
            moveToHead(item);
        } finally {
            lock.unlock();
        }
    }

    /** A node was deleted; its pods (if any are still reported) stay counted until they are removed. */
    public void removeNode(Node node) {
        String name = node.getMetadata().getName();
        lock.lock();
        try {
            NodeItem item = nodes.get(name);
            if (item == null) return;
            Node known = item.info.node();
            if (known != null) {
                nodeTree.remove(known);
                removeImages(name, item.info.imageSizes().keySet());
            }
            item.info.removeNode();
            if (item.info.pods().isEmpty()) removeItem(item);
            else moveToHead(item);
        } finally {
            lock.unlock();
        }
    }

    private void addImages(String node, Set<String> images) {
        if (images.isEmpty()) return;
        for (String img : images) imageNodes.computeIfAbsent(img, k -> new HashSet<>()).add(node);
        imagesGeneration++;
    }

    private void removeImages(String node, Set<String> images) {
        if (images.isEmpty()) return;
        for (String img : images) {
            Set<String> s = imageNodes.get(img);
            if (s != null) {
                s.remove(node);
                if (s.isEmpty()) imageNodes.remove(img);
            }
        }
        imagesGeneration++;
    }

    private void moveToHead(NodeItem item) {
        if (head == item) return;
        if (item.prev != null) item.prev.next = item.next;
        if (item.next != null) item.next.prev = item.prev;
        item.prev = null;
        item.next = head;
        if (head != null) head.prev = item;
        head = item;
    }

    private void removeItem(NodeItem item) {
        if (item.prev != null) item.prev.next = item.next;
        if (item.next != null) item.next.prev = item.prev;
        if (head == item) head = item.next;
        item.prev = item.next = null;
        nodes.remove(item.info.name());
    }

    // ---- snapshot ----

    /**
     * Brings a snapshot up to date: copies the nodes that changed since its generation and rebuilds its lists only
     * when nodes were added or removed or a node gained or lost pods with affinity or PVCs. Called by the scheduling
     * thread at the start of each cycle.
     */
    public void updateSnapshot(Snapshot snapshot) {
        lock.lock();
        try {
            long snapshotGeneration = snapshot.generation;
            boolean updateAllLists = false;
            boolean updateAffinityLists = false;
            boolean updatePvcs = false;
            List<Long> changedGenerations = new ArrayList<>();
            List<String> changedNames = new ArrayList<>();
            List<NodeInfo> gainedAffinity = new ArrayList<>();
            List<NodeInfo> gainedAnti = new ArrayList<>();
            for (NodeItem item = head; item != null; item = item.next) {
                if (item.info.generation() <= snapshotGeneration) break;
                Node n = item.info.node();
                if (n == null) continue;
                NodeInfo existing = snapshot.nodeInfoMap.get(item.info.name());
                if (existing == null) {
                    updateAllLists = true;
                    existing = new NodeInfo();
                    snapshot.nodeInfoMap.put(item.info.name(), existing);
                }
                boolean hadAffinity = !existing.podsWithAffinity().isEmpty();
                boolean hadAnti = !existing.podsWithRequiredAntiAffinity().isEmpty();
                boolean hasAffinity = !item.info.podsWithAffinity().isEmpty();
                boolean hasAnti = !item.info.podsWithRequiredAntiAffinity().isEmpty();
                // a node that gets its first such pod is appended below; one that loses its last needs a rebuild
                if ((hadAffinity && !hasAffinity) || (hadAnti && !hasAnti)) updateAffinityLists = true;
                if (!hadAffinity && hasAffinity) gainedAffinity.add(existing);
                if (!hadAnti && hasAnti) gainedAnti.add(existing);
                if (!updatePvcs && !existing.pvcRefCounts().keySet().equals(item.info.pvcRefCounts().keySet())) updatePvcs = true;
                existing.copyFrom(item.info);
                changedGenerations.add(item.info.generation());
                changedNames.add(item.info.name());
            }
            if (head != null) snapshot.generation = head.info.generation();
            if (snapshot.nodeInfoMap.size() > nodeTree.numNodes()) {
                removeDeletedNodes(snapshot);
                updateAllLists = true;
            }
            if (updateAllLists) {
                List<String> names = nodeTree.list();
                List<NodeInfo> list = new ArrayList<>(names.size());
                for (String name : names) {
                    NodeInfo ni = snapshot.nodeInfoMap.get(name);
                    if (ni != null) list.add(ni);
                }
                snapshot.nodeInfoList = list;
                snapshot.rebuildLists();
                snapshot.changes.reset(snapshot.generation);
            } else {
                if (updateAffinityLists || updatePvcs) snapshot.rebuildLists();
                else snapshot.appendToAffinityLists(gainedAffinity, gainedAnti);
                snapshot.changes.addNewestFirst(changedGenerations, changedNames);
            }
            if (snapshot.imagesGeneration != imagesGeneration) {
                Map<String, Integer> counts = new HashMap<>(imageNodes.size() * 2);
                imageNodes.forEach((img, set) -> counts.put(img, set.size()));
                snapshot.imageNodeCounts = counts;
                snapshot.imagesGeneration = imagesGeneration;
            }
            if (snapshot.nodeInfoList.size() != nodeTree.numNodes()) {
                log.error("snapshot state is not consistent: {} nodes in the snapshot list, {} in the cache; rebuilding",
                    snapshot.nodeInfoList.size(), nodeTree.numNodes());
                rebuildSnapshot(snapshot);
            }
        } finally {
            lock.unlock();
        }
    }

    private void removeDeletedNodes(Snapshot snapshot) {
        snapshot.nodeInfoMap.entrySet().removeIf(e -> {
            NodeItem item = nodes.get(e.getKey());
            return item == null || item.info.node() == null;
        });
    }

    private void rebuildSnapshot(Snapshot snapshot) {
        snapshot.nodeInfoMap.clear();
        for (NodeItem item : nodes.values())
            if (item.info.node() != null) snapshot.nodeInfoMap.put(item.info.name(), item.info.snapshotClone());
        List<NodeInfo> list = new ArrayList<>();
        for (String name : nodeTree.list()) {
            NodeInfo ni = snapshot.nodeInfoMap.get(name);
            if (ni != null) list.add(ni);
        }
        snapshot.nodeInfoList = list;
        snapshot.rebuildLists();
        if (head != null) snapshot.generation = head.info.generation();
        snapshot.changes.reset(snapshot.generation);
    }

    // ---- introspection ----

    /** Number of nodes with a Node object. */
    public int nodeCount() {
        lock.lock();
        try {
            return nodeTree.numNodes();
        } finally {
            lock.unlock();
        }
    }

    /** Number of pods counted (bound and assumed). */
    public int podCount() {
        lock.lock();
        try {
            return podStates.size();
        } finally {
            lock.unlock();
        }
    }

    public int assumedPodCount() {
        lock.lock();
        try {
            return assumedPods.size();
        } finally {
            lock.unlock();
        }
    }

    /** A copy of a node's info as the cache holds it, or null. */
    public NodeInfo nodeInfo(String name) {
        lock.lock();
        try {
            NodeItem item = nodes.get(name);
            return item == null ? null : item.info.snapshotClone();
        } finally {
            lock.unlock();
        }
    }
}
