package dev.beluga.scheduler;

import dev.beluga.scheduler.cache.SchedulerCache;
import dev.beluga.scheduler.framework.ActionType;
import dev.beluga.scheduler.framework.ClusterEvent;
import dev.beluga.scheduler.framework.EventResource;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.WaitingPod;
import dev.beluga.scheduler.framework.runtime.WaitingPods;
import dev.beluga.scheduler.listers.ClusterListers;
import dev.beluga.scheduler.queue.SchedulingQueue;
import dev.beluga.scheduler.util.Pods;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;

import java.util.Map;
import java.util.Objects;

/**
 * Feeds informer events into the scheduler (upstream {@code eventhandlers.go}): bound pods go to the cache, pending
 * pods this scheduler is responsible for go to the queue, and every change that may make pending pods schedulable
 * (a node added or changed, a bound pod deleted, a volume or namespace changed) is turned into a {@link ClusterEvent}
 * that moves the interested unschedulable pods back to the active or backoff queue.
 *
 * <p>Bound pods that reached a terminal phase (Succeeded, Failed) are treated as deleted: they no longer use their
 * node's resources. A pod's priority is {@code spec.priority}, or, when unset, the value of its
 * {@code priorityClassName} from the priority-class lister (the API server's admission normally sets it).
 *
 * <p>Threading: every method may be called from any informer thread; the cache and the queue are thread-safe.
 * Informers deliver each object's events in order, which is all the handlers rely on.
 */
public final class SchedulerEventHandlers {
    private final SchedulerCache cache;
    private final SchedulingQueue queue;
    private final Profiles profiles;
    private final ClusterListers listers;
    private final WaitingPods waitingPods;

    SchedulerEventHandlers(SchedulerCache cache, SchedulingQueue queue, Profiles profiles, ClusterListers listers,
                           WaitingPods waitingPods) {
        this.cache = cache;
        this.queue = queue;
        this.profiles = profiles;
        this.listers = listers;
        this.waitingPods = waitingPods;
    }

    // ---- pods ----

    public void onPodAdd(Pod pod) {
        if (Pods.isAssigned(pod)) {
            if (Pods.isTerminal(pod)) return;
            PodInfo info = info(pod);
            cache.addPod(info);
            queue.moveAllToActiveOrBackoffQueue(ClusterEvent.ASSIGNED_POD_ADD, null, pod);
        } else if (responsibleFor(pod)) {
            queue.add(info(pod));
        }
    }

    public void onPodUpdate(Pod oldPod, Pod newPod) {
        boolean wasAssigned = Pods.isAssigned(oldPod);
        boolean isAssigned = Pods.isAssigned(newPod);
        if (isAssigned) {
            if (!wasAssigned) {
                // bound (by us, confirmed now, or by someone else): leaves the queue, joins the cache
                queue.delete(info(oldPod));
                if (!Pods.isTerminal(newPod)) {
                    cache.addPod(info(newPod));
                    queue.moveAllToActiveOrBackoffQueue(ClusterEvent.ASSIGNED_POD_ADD, null, newPod);
                }
                return;
            }
            if (Pods.isTerminal(newPod)) {
                if (!Pods.isTerminal(oldPod)) podLeftNode(oldPod);
                return;
            }
            cache.updatePod(info(oldPod), info(newPod));
            int actions = assignedPodUpdateActions(oldPod, newPod);
            if (actions != 0) {
                queue.moveAllToActiveOrBackoffQueue(new ClusterEvent(EventResource.ASSIGNED_POD, actions, "AssignedPodUpdate"),
                    oldPod, newPod);
            }
            return;
        }
        if (!responsibleFor(newPod)) {
            if (responsibleFor(oldPod)) queue.delete(info(oldPod));
            return;
        }
        if (cache.isAssumedPod(Pods.uid(newPod))) return; // being bound: the informer will report it assigned soon
        queue.update(info(oldPod), info(newPod));
    }

    public void onPodDelete(Pod pod) {
        WaitingPod waiting = waitingPods.get(Pods.uid(pod));
        if (waiting != null) waiting.reject("", "pod " + Pods.key(pod) + " was deleted");
        if (Pods.isAssigned(pod)) {
            if (!Pods.isTerminal(pod)) podLeftNode(pod);
            return;
        }
        if (cache.isAssumedPod(Pods.uid(pod))) cache.forgetPod(info(pod));
        queue.delete(info(pod));
    }

    private void podLeftNode(Pod pod) {
        cache.removePod(info(pod));
        queue.moveAllToActiveOrBackoffQueue(ClusterEvent.ASSIGNED_POD_DELETE, pod, null);
    }

    private boolean responsibleFor(Pod pod) {
        return profiles.handles(pod) && !Pods.isTerminal(pod);
    }

    private PodInfo info(Pod pod) {
        if (pod.getSpec() != null && pod.getSpec().getPriority() == null && pod.getSpec().getPriorityClassName() != null) {
            PriorityClass pc = listers.priorityClasses().get(pod.getSpec().getPriorityClassName());
            if (pc != null && pc.getValue() != null) return PodInfo.of(pod, pc.getValue());
        }
        return PodInfo.of(pod);
    }

    /** Label changes of bound pods matter to affinity and spreading; resource decreases (in-place resize) to fit. */
    static int assignedPodUpdateActions(Pod oldPod, Pod newPod) {
        int actions = 0;
        if (!Objects.equals(Pods.labels(oldPod), Pods.labels(newPod))) actions |= ActionType.UPDATE_POD_LABEL;
        return actions;
    }

    // ---- nodes ----

    public void onNodeAdd(Node node) {
        cache.addNode(node);
        queue.moveAllToActiveOrBackoffQueue(ClusterEvent.NODE_ADD, null, node);
    }

    public void onNodeUpdate(Node oldNode, Node newNode) {
        cache.updateNode(oldNode, newNode);
        int actions = nodeUpdateActions(oldNode, newNode);
        if (actions != 0) {
            queue.moveAllToActiveOrBackoffQueue(new ClusterEvent(EventResource.NODE, actions, "NodeUpdate"), oldNode, newNode);
        }
    }

    public void onNodeDelete(Node node) {
        cache.removeNode(node);
        // upstream moves nothing on node deletion: a pod cannot become schedulable because a node went away, except
        // for spreading constraints, which PodTopologySpread registers for
        queue.moveAllToActiveOrBackoffQueue(ClusterEvent.NODE_DELETE, node, null);
    }

    /**
     * What changed in a node, as {@link ActionType} bits (upstream {@code nodeSchedulingPropertiesChange}); 0 when
     * nothing a plugin looks at changed (e.g. only heartbeat timestamps in conditions).
     */
    static int nodeUpdateActions(Node oldNode, Node newNode) {
        int actions = 0;
        NodeSpec os = oldNode.getSpec() == null ? new NodeSpec() : oldNode.getSpec();
        NodeSpec ns = newNode.getSpec() == null ? new NodeSpec() : newNode.getSpec();
        NodeStatus ost = oldNode.getStatus() == null ? new NodeStatus() : oldNode.getStatus();
        NodeStatus nst = newNode.getStatus() == null ? new NodeStatus() : newNode.getStatus();
        if (!Objects.equals(Boolean.TRUE.equals(os.getUnschedulable()), Boolean.TRUE.equals(ns.getUnschedulable())))
            actions |= ActionType.UPDATE_OTHER;
        if (!Objects.equals(ost.getAllocatable(), nst.getAllocatable())) actions |= ActionType.UPDATE_NODE_ALLOCATABLE;
        if (!Objects.equals(labels(oldNode), labels(newNode))) actions |= ActionType.UPDATE_NODE_LABEL;
        if (!Objects.equals(os.getTaints(), ns.getTaints())) actions |= ActionType.UPDATE_NODE_TAINT;
        if (!Objects.equals(conditionStatuses(ost), conditionStatuses(nst))) actions |= ActionType.UPDATE_NODE_CONDITION;
        if (!Objects.equals(oldNode.getMetadata().getAnnotations(), newNode.getMetadata().getAnnotations()))
            actions |= ActionType.UPDATE_NODE_ANNOTATION;
        return actions;
    }

    private static Map<String, String> labels(Node n) {
        Map<String, String> l = n.getMetadata() == null ? null : n.getMetadata().getLabels();
        return l == null ? Map.of() : l;
    }

    private static Map<String, String> conditionStatuses(NodeStatus s) {
        if (s.getConditions() == null) return Map.of();
        Map<String, String> m = new java.util.HashMap<>();
        s.getConditions().forEach(c -> m.put(c.getType(), c.getStatus()));
        return m;
    }

    // ---- other objects: only cluster events ----

    /** A PVC, PV, storage class, namespace or service was added or changed. */
    public void onObjectAddOrUpdate(EventResource resource, Object oldObj, Object newObj) {
        int action = oldObj == null ? ActionType.ADD : ActionType.UPDATE;
        queue.moveAllToActiveOrBackoffQueue(new ClusterEvent(resource, action, resource + (oldObj == null ? "Add" : "Update")),
            oldObj, newObj);
    }

    /** A PVC, PV, storage class, namespace or service was deleted. */
    public void onObjectDelete(EventResource resource, Object obj) {
        queue.moveAllToActiveOrBackoffQueue(new ClusterEvent(resource, ActionType.DELETE, resource + "Delete"), obj, null);
    }
}
