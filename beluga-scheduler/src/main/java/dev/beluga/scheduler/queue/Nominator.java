package dev.beluga.scheduler.queue;

import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.PodNominator;
import dev.beluga.scheduler.util.Pods;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which pods are nominated to which nodes (upstream {@code nominator}): fed by pods' {@code status.nominatedNodeName}
 * and by preemption results before the status update comes back. Thread-safe (own lock; fast, never blocks on I/O).
 */
public final class Nominator implements PodNominator {
    private final Map<String, List<PodInfo>> byNode = new HashMap<>();
    private final Map<String, String> nodeByUid = new HashMap<>();
    private volatile int size;

    @Override
    public synchronized void addNominatedPod(PodInfo pod, String nodeName) {
        deleteLocked(pod.uid());
        if (nodeName == null || nodeName.isEmpty()) return;
        byNode.computeIfAbsent(nodeName, k -> new ArrayList<>()).add(pod);
        nodeByUid.put(pod.uid(), nodeName);
        size = nodeByUid.size();
    }

    /** Records the nomination in a pod's status, if any (a pod entering the queue). */
    public synchronized void addFromStatus(PodInfo pod) {
        String nnn = Pods.nominatedNodeName(pod.pod());
        if (nnn != null && !Pods.isAssigned(pod.pod())) addNominatedPod(pod, nnn);
    }

    /**
     * A queued pod changed: keeps an in-memory nomination when neither version has one in its status (the status
     * update has not come back yet), otherwise follows the status.
     */
    public synchronized void update(PodInfo oldPod, PodInfo newPod) {
        String node = Pods.nominatedNodeName(newPod.pod());
        if ((oldPod == null || Pods.nominatedNodeName(oldPod.pod()) == null) && node == null) node = nodeByUid.get(newPod.uid());
        deleteLocked(newPod.uid());
        if (node != null && !Pods.isAssigned(newPod.pod())) addNominatedPod(newPod, node);
    }

    @Override
    public synchronized void deleteNominatedPodIfExists(String uid) {
        deleteLocked(uid);
    }

    private void deleteLocked(String uid) {
        String node = nodeByUid.remove(uid);
        if (node == null) return;
        List<PodInfo> l = byNode.get(node);
        if (l != null) {
            l.removeIf(p -> p.uid().equals(uid));
            if (l.isEmpty()) byNode.remove(node);
        }
        size = nodeByUid.size();
    }

    @Override
    public List<PodInfo> nominatedPodsForNode(String nodeName) {
        if (size == 0) return List.of();
        synchronized (this) {
            List<PodInfo> l = byNode.get(nodeName);
            return l == null ? List.of() : new ArrayList<>(l);
        }
    }

    @Override
    public String nominatedNodeFor(String uid) {
        if (size == 0) return null;
        synchronized (this) {
            return nodeByUid.get(uid);
        }
    }

    /** Number of nominated pods. */
    public int size() {
        return size;
    }
}
