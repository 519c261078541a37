package dev.beluga.scheduler.plugins.volumerestrictions;

import dev.beluga.scheduler.framework.ActionType;
import dev.beluga.scheduler.framework.ClusterEventWithHint;
import dev.beluga.scheduler.framework.CycleState;
import dev.beluga.scheduler.framework.EnqueueExtensions;
import dev.beluga.scheduler.framework.EventResource;
import dev.beluga.scheduler.framework.FilterPlugin;
import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.NodeInfoLister;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.PreFilterExtensions;
import dev.beluga.scheduler.framework.PreFilterPlugin;
import dev.beluga.scheduler.framework.PreFilterResult;
import dev.beluga.scheduler.framework.StateData;
import dev.beluga.scheduler.framework.StateKey;
import dev.beluga.scheduler.framework.Status;
import dev.beluga.scheduler.listers.PersistentVolumeClaimLister;
import dev.beluga.scheduler.plugins.Names;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Volume;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Volume access restrictions (upstream VolumeRestrictions): a ReadWriteOncePod claim already used by another pod
 * rejects the pod ("node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode"), and
 * a GCE PD, AWS EBS, iSCSI or RBD volume mounted read-write by a pod on the node rejects the node ("node(s) had no
 * available disk").
 */
public final class VolumeRestrictions implements PreFilterPlugin, PreFilterExtensions, FilterPlugin, EnqueueExtensions {
    public static final String ERR_REASON_DISK_CONFLICT = "node(s) had no available disk";
    public static final String ERR_REASON_RWOP_CONFLICT = "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode";
    private static final StateKey<State> KEY = new StateKey<>("PreFilter" + Names.VOLUME_RESTRICTIONS, State.class);

    private final NodeInfoLister snapshot;
    private final PersistentVolumeClaimLister pvcs;

    private static final class State implements StateData {
        final Set<String> rwopClaims;
        int conflicting;

        State(Set<String> rwopClaims, int conflicting) {
            this.rwopClaims = rwopClaims;
            this.conflicting = conflicting;
        }

        @Override
        public StateData cloneData() {
            return new State(rwopClaims, conflicting);
        }
    }

    public VolumeRestrictions(NodeInfoLister snapshot, PersistentVolumeClaimLister pvcs) {
        this.snapshot = snapshot;
        this.pvcs = pvcs;
    }

    @Override
    public String name() {
        return Names.VOLUME_RESTRICTIONS;
    }

    private static boolean hasDiskVolumes(PodInfo pod) {
        var vs = pod.pod().getSpec() == null ? null : pod.pod().getSpec().getVolumes();
        if (vs == null) return false;
        for (Volume v : vs)
            if (v.getGcePersistentDisk() != null || v.getAwsElasticBlockStore() != null || v.getIscsi() != null || v.getRbd() != null) return true;
        return false;
    }

    @Override
    public PreFilterResult preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
        boolean disks = hasDiskVolumes(pod);
        if (!disks && pod.pvcNames().isEmpty()) return PreFilterResult.skip();
        Set<String> rwop = new HashSet<>();
        for (String claim : pod.pvcNames()) {
            PersistentVolumeClaim pvc = pvcs.get(pod.namespace(), claim);
            if (pvc == null) return PreFilterResult.of(Status.unresolvable("persistentvolumeclaim \"" + claim + "\" not found"));
            var modes = pvc.getSpec() == null ? null : pvc.getSpec().getAccessModes();
            if (modes != null && modes.contains("ReadWriteOncePod")) rwop.add(pod.namespace() + "/" + claim);
        }
        int conflicting = 0;
        for (String key : rwop) if (snapshot.isPvcUsedByPods(key)) conflicting++;
        if (conflicting > 0) return PreFilterResult.of(Status.unschedulable(ERR_REASON_RWOP_CONFLICT));
        state.write(KEY, new State(rwop, 0));
        return PreFilterResult.success();
    }

    @Override
    public PreFilterExtensions preFilterExtensions() {
        return this;
    }

    @Override
    public Status addPod(CycleState state, PodInfo podToSchedule, PodInfo podToAdd, NodeInfo nodeInfo) {
        State s = state.read(KEY);
        if (s != null) for (String c : podToAdd.pvcNames()) if (s.rwopClaims.contains(podToAdd.namespace() + "/" + c)) s.conflicting++;
        return Status.SUCCESS;
    }

    @Override
    public Status removePod(CycleState state, PodInfo podToSchedule, PodInfo podToRemove, NodeInfo nodeInfo) {
        State s = state.read(KEY);
        if (s != null) for (String c : podToRemove.pvcNames()) if (s.rwopClaims.contains(podToRemove.namespace() + "/" + c)) s.conflicting--;
        return Status.SUCCESS;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
        if (hasDiskVolumes(pod)) {
            for (Volume v : pod.pod().getSpec().getVolumes())
                for (PodInfo existing : nodeInfo.pods())
                    if (conflicts(v, existing)) return Status.unschedulable(ERR_REASON_DISK_CONFLICT);
        }
        State s = state.read(KEY);
        if (s != null && s.conflicting > 0) return Status.unschedulable(ERR_REASON_RWOP_CONFLICT);
        return Status.SUCCESS;
    }

    static boolean conflicts(Volume v, PodInfo existing) {
        var vs = existing.pod().getSpec() == null ? null : existing.pod().getSpec().getVolumes();
        if (vs == null) return false;
        for (Volume e : vs) {
            if (v.getGcePersistentDisk() != null && e.getGcePersistentDisk() != null) {
                var a = v.getGcePersistentDisk();
                var b = e.getGcePersistentDisk();
                if (a.getPdName() != null && a.getPdName().equals(b.getPdName()) && !(Boolean.TRUE.equals(a.getReadOnly()) && Boolean.TRUE.equals(b.getReadOnly())))
                    return true;
            }
            if (v.getAwsElasticBlockStore() != null && e.getAwsElasticBlockStore() != null
                && v.getAwsElasticBlockStore().getVolumeID() != null
                && v.getAwsElasticBlockStore().getVolumeID().equals(e.getAwsElasticBlockStore().getVolumeID()))
                return true;
            if (v.getIscsi() != null && e.getIscsi() != null) {
                var a = v.getIscsi();
                var b = e.getIscsi();
                if (a.getIqn() != null && a.getIqn().equals(b.getIqn()) && !(Boolean.TRUE.equals(a.getReadOnly()) && Boolean.TRUE.equals(b.getReadOnly())))
                    return true;
            }
            if (v.getRbd() != null && e.getRbd() != null) {
                var a = v.getRbd();
                var b = e.getRbd();
                boolean overlap = a.getMonitors() != null && b.getMonitors() != null && a.getMonitors().stream().anyMatch(b.getMonitors()::contains);
                if (overlap && java.util.Objects.equals(a.getPool(), b.getPool()) && java.util.Objects.equals(a.getImage(), b.getImage())
                    && !(Boolean.TRUE.equals(a.getReadOnly()) && Boolean.TRUE.equals(b.getReadOnly())))
                    return true;
            }
        }
        return false;
    }

    @Override
    public List<ClusterEventWithHint> eventsToRegister() {
        return List.of(ClusterEventWithHint.of(EventResource.ASSIGNED_POD, ActionType.DELETE),
            ClusterEventWithHint.of(EventResource.PERSISTENT_VOLUME_CLAIM, ActionType.ADD | ActionType.UPDATE));
    }
}
