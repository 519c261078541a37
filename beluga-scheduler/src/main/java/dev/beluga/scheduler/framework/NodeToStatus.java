package dev.beluga.scheduler.framework;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Why each node was rejected in a scheduling cycle (upstream {@code framework.NodeToStatus}): explicit statuses for
 * evaluated nodes and one status for every node absent from the map (by default UnschedulableAndUnresolvable with
 * no reason, i.e. "not evaluated / not helpful").
 *
 * <p>Not thread-safe; built by one scheduling cycle.
 */
public final class NodeToStatus {
    private final Map<String, Status> statuses;
    private Status absentNodesStatus = Status.of(Code.UNSCHEDULABLE_AND_UNRESOLVABLE);

    public NodeToStatus() {
        this.statuses = new HashMap<>();
    }

    public NodeToStatus(Map<String, Status> statuses) {
        this.statuses = new HashMap<>(statuses);
    }

    /** The status of a node: its explicit one, else the absent-nodes status. */
    public Status get(String node) {
        Status s = statuses.get(node);
        return s != null ? s : absentNodesStatus;
    }

    public void set(String node, Status status) {
        statuses.put(node, status);
    }

    /** Number of explicit entries. */
    public int size() {
        return statuses.size();
    }

    public Status absentNodesStatus() {
        return absentNodesStatus;
    }

    public void setAbsentNodesStatus(Status s) {
        this.absentNodesStatus = s;
    }

    public void forEachExplicit(BiConsumer<String, Status> action) {
        statuses.forEach(action);
    }

    /** The nodes whose status has this code, looked up in the lister (upstream {@code NodesForStatusCode}). */
    public List<NodeInfo> nodesForStatusCode(NodeInfoLister lister, Code code) {
        List<NodeInfo> out = new ArrayList<>();
        if (absentNodesStatus.code() == code) {
            for (NodeInfo n : lister.list()) if (get(n.name()).code() == code) out.add(n);
            return out;
        }
        statuses.forEach((name, s) -> {
            if (s.code() == code) {
                NodeInfo n = lister.get(name);
                if (n != null) out.add(n);
            }
        });
        return out;
    }
}
