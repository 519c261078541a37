package dev.beluga.controllers.gc;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The garbage collector's view of ownership (upstream's {@code GraphBuilder} + {@code uidToNode}): every monitored
 * object by UID with its owner references, and for every UID (present or not) the UIDs of its dependents.
 * Thread-safe (one lock; all operations are in-memory and short).
 */
final class OwnerGraph {
    /** A monitored object: its latest state. */
    record Node(String uid, HasMetadata object) {
        List<OwnerReference> owners() {
            var refs = object.getMetadata().getOwnerReferences();
            return refs == null ? List.of() : refs;
        }
    }

    private final Map<String, Node> nodes = new HashMap<>();
    private final Map<String, Set<String>> dependents = new HashMap<>();

    /** Adds or updates an object; returns the owner UIDs it no longer references (their dependents changed). */
    synchronized Set<String> upsert(HasMetadata o) {
        String uid = o.getMetadata().getUid();
        Node old = nodes.put(uid, new Node(uid, o));
        Set<String> before = new HashSet<>();
        if (old != null) for (OwnerReference r : old.owners()) before.add(r.getUid());
        Set<String> after = new HashSet<>();
        for (OwnerReference r : new Node(uid, o).owners()) after.add(r.getUid());
        for (String u : before) if (!after.contains(u)) removeDependent(u, uid);
        for (String u : after) dependents.computeIfAbsent(u, k -> new HashSet<>()).add(uid);
        before.removeAll(after);
        return before;
    }

    /** Removes an object; returns its node (null if unknown). Its dependents stay recorded under its UID. */
    synchronized Node remove(HasMetadata o) {
        String uid = o.getMetadata().getUid();
        Node old = nodes.remove(uid);
        if (old != null) for (OwnerReference r : old.owners()) removeDependent(r.getUid(), uid);
        return old;
    }

    private void removeDependent(String owner, String dependent) {
        Set<String> s = dependents.get(owner);
        if (s == null) return;
        s.remove(dependent);
        if (s.isEmpty()) dependents.remove(owner);
    }

    synchronized Node get(String uid) {
        return nodes.get(uid);
    }

    /** The monitored dependents of a UID (a snapshot). */
    synchronized List<Node> dependentsOf(String uid) {
        Set<String> s = dependents.get(uid);
        if (s == null) return List.of();
        return s.stream().map(nodes::get).filter(java.util.Objects::nonNull).toList();
    }
}
