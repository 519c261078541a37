package dev.beluga.scheduler.plugins.volumebinding;

import dev.beluga.scheduler.client.VolumeBinder;
import dev.beluga.scheduler.framework.ActionType;
import dev.beluga.scheduler.framework.ClusterEventWithHint;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.EnqueueExtensions;
import dev.beluga.scheduler.framework.EventResource;
import dev.beluga.scheduler.framework.FilterPlugin;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.PreBindPlugin;
import dev.beluga.scheduler.framework.PreFilterPlugin;
import dev.beluga.scheduler.framework.PreFilterResult;
import dev.beluga.scheduler.framework.StateData;
import dev.beluga.scheduler.framework.StateKey;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.listers.ClusterListers;
import dev.beluga.scheduler.plugins.Names;
import dev.beluga.scheduler.plugins.helper.NodeSelectorTerm;
import dev.beluga.scheduler.plugins.helper.RequiredNodeAffinity;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.TopologySelectorLabelRequirement;
import io.fabric8.kubernetes.api.model.TopologySelectorTerm;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.storage.StorageClass;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Volume binding as far as node placement goes (a subset of upstream VolumeBinding):
 * <ul>
 *   <li>PreFilter: every PVC must exist and not be deleting ({@code persistentvolumeclaim "x" not found}); an unbound
 *       claim whose storage class is not WaitForFirstConsumer rejects the pod ("pod has unbound immediate
 *       PersistentVolumeClaims"); all unresolvable;</li>
 *   <li>Filter: the node must satisfy the {@code nodeAffinity} of every bound PV ("node(s) had volume node affinity
 *       conflict"), bound PVs must exist, and for unbound WaitForFirstConsumer claims the node must be in the storage
 *       class's {@code allowedTopologies} when it has any;</li>
 *   <li>PreBind: for unbound WaitForFirstConsumer claims, asks the {@link VolumeBinder} to select the node (the
 *       {@code volume.kubernetes.io/selected-node} annotation) for dynamic provisioning.</li>
 * </ul>
 * Not implemented: matching unbound claims to existing static PVs, storage capacity, waiting in PreBind for the
 * claims to be bound.
 */
public final class VolumeBinding implements PreFilterPlugin, FilterPlugin, PreBindPlugin, EnqueueExtensions {
    public static final String ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
    public static final String ERR_REASON_NODE_CONFLICT = "node(s) had volume node affinity conflict";
    public static final String ERR_REASON_PV_NOT_EXIST = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";
    public static final String ERR_REASON_UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims";
    private static final StateKey<State> KEY = new StateKey<>("PreFilter" + Names.VOLUME_BINDING, State.class);

    private final ClusterListers listers;
    private final VolumeBinder binder;

    private record State(List<List<NodeSelectorTerm>> boundPvAffinities, boolean missingPv,
                         List<List<TopologySelectorTerm>> delayedTopologies, List<PersistentVolumeClaim> delayedClaims) implements StateData {
        @Override
        public StateData cloneData() {
            return this;
        }
    }

    public VolumeBinding(ClusterListers listers, VolumeBinder binder) {
        this.listers = listers;
        this.binder = binder;
    }

    @Override
    public String name() {
        return Names.VOLUME_BINDING;
    }

    @Override
    public PreFilterResult preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
        if (pod.pvcNames().isEmpty()) return PreFilterResult.skip();
        List<List<NodeSelectorTerm>> affinities = new ArrayList<>();
        boolean missingPv = false;
        List<List<TopologySelectorTerm>> delayedTopologies = new ArrayList<>();
        List<PersistentVolumeClaim> delayed = new ArrayList<>();
        for (Volume v : pod.pod().getSpec().getVolumes()) {
            String claimName;
            boolean ephemeral = false;
            if (v.getPersistentVolumeClaim() != null) claimName = v.getPersistentVolumeClaim().getClaimName();
            else if (v.getEphemeral() != null) {
                claimName = pod.name() + "-" + v.getName();
                ephemeral = true;
            } else continue;
            PersistentVolumeClaim pvc = listers.pvcs().get(pod.namespace(), claimName);
            if (pvc == null) {
                String msg = ephemeral
                    ? "waiting for ephemeral volume controller to create the persistentvolumeclaim \"" + claimName + "\""
                    : "persistentvolumeclaim \"" + claimName + "\" not found";
                return PreFilterResult.of(Status.unresolvable(msg));
            }
            if (pvc.getMetadata().getDeletionTimestamp() != null)
                return PreFilterResult.of(Status.unresolvable("persistentvolumeclaim \"" + claimName + "\" is being deleted"));
            String volumeName = pvc.getSpec() == null ? null : pvc.getSpec().getVolumeName();
            if (volumeName != null && !volumeName.isEmpty()) {
                PersistentVolume pv = listers.pvs().get(volumeName);
                if (pv == null) {
                    missingPv = true;
                    continue;
                }
                var na = pv.getSpec() == null ? null : pv.getSpec().getNodeAffinity();
                if (na != null && na.getRequired() != null) affinities.add(RequiredNodeAffinity.terms(na.getRequired()));
                continue;
            }
            StorageClass sc = storageClass(pvc);
            if (sc == null || !"WaitForFirstConsumer".equals(sc.getVolumeBindingMode()))
                return PreFilterResult.of(Status.unresolvable(ERR_REASON_UNBOUND_IMMEDIATE));
            delayed.add(pvc);
            if (sc.getAllowedTopologies() != null && !sc.getAllowedTopologies().isEmpty()) delayedTopologies.add(sc.getAllowedTopologies());
        }
        state.write(KEY, new State(affinities, missingPv, delayedTopologies, delayed));
        return PreFilterResult.success();
    }

    private StorageClass storageClass(PersistentVolumeClaim pvc) {
        String name = pvc.getSpec() == null ? null : pvc.getSpec().getStorageClassName();
        if (name == null && pvc.getMetadata().getAnnotations() != null)
            name = pvc.getMetadata().getAnnotations().get("volume.beta.kubernetes.io/storage-class");
        if (name == null || name.isEmpty()) return null;
        return listers.storageClasses().get(name);
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
        State s = state.read(KEY);
        if (s == null) return Status.SUCCESS;
        if (s.missingPv()) return Status.unresolvable(ERR_REASON_PV_NOT_EXIST);
        Map<String, String> labels = nodeInfo.labels();
        for (List<NodeSelectorTerm> terms : s.boundPvAffinities())
            if (!RequiredNodeAffinity.anyTermMatches(terms, labels, nodeInfo.name())) return Status.unresolvable(ERR_REASON_NODE_CONFLICT);
        for (List<TopologySelectorTerm> topo : s.delayedTopologies())
            if (!topologyMatches(topo, labels)) return Status.unresolvable(ERR_REASON_BIND_CONFLICT);
        return Status.SUCCESS;
    }

    static boolean topologyMatches(List<TopologySelectorTerm> terms, Map<String, String> labels) {
        for (TopologySelectorTerm t : terms) {
            boolean all = true;
            if (t.getMatchLabelExpressions() != null) {
                for (TopologySelectorLabelRequirement r : t.getMatchLabelExpressions()) {
                    String v = labels.get(r.getKey());
                    if (v == null || r.getValues() == null || !r.getValues().contains(v)) {
                        all = false;
                        break;
                    }
                }
            }
            if (all) return true;
        }
        return false;
    }

    @Override
    public Status preBind(CycleState state, PodInfo pod, String nodeName) {
        State s = state.read(KEY);
        if (s == null || s.delayedClaims().isEmpty()) return Status.skip();
        for (PersistentVolumeClaim pvc : s.delayedClaims()) {
            try {
                binder.selectNode(pvc, nodeName);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Status.error(e);
            } catch (Exception e) {
                return Status.error(e);
            }
        }
        return Status.SUCCESS;
    }

    @Override
    public List<ClusterEventWithHint> eventsToRegister() {
        return List.of(
            ClusterEventWithHint.of(EventResource.STORAGE_CLASS, ActionType.ADD | ActionType.UPDATE),
            ClusterEventWithHint.of(EventResource.PERSISTENT_VOLUME_CLAIM, ActionType.ADD | ActionType.UPDATE),
            ClusterEventWithHint.of(EventResource.PERSISTENT_VOLUME, ActionType.ADD | ActionType.UPDATE),
            ClusterEventWithHint.of(EventResource.NODE, ActionType.ADD | ActionType.UPDATE_NODE_LABEL),
            ClusterEventWithHint.of(EventResource.CSI_NODE, ActionType.ADD | ActionType.UPDATE));
    }
}
