package dev.beluga.scheduler.plugins.podtopologyspread;

import dev.beluga.api.labels.LabelSelector;
import dev.beluga.api.labels.Requirement;
import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.listers.WorkloadLister;
import dev.beluga.scheduler.util.Selectors;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The selector used by default spreading constraints (upstream {@code helper.DefaultSelector}): the union of the
 * selectors of the services selecting the pod, plus its controlling ReplicationController's, ReplicaSet's or
 * StatefulSet's selector. Empty when the pod belongs to none.
 */
final class DefaultSelector {
    private DefaultSelector() {
    }

    static LabelSelector of(PodInfo pod, WorkloadLister workloads) {
        Map<String, String> set = new HashMap<>();
        for (Service s : workloads.services(pod.namespace())) {
            Map<String, String> sel = s.getSpec() == null ? null : s.getSpec().getSelector();
            if (sel == null || sel.isEmpty()) continue;
            if (LabelSelector.fromSet(sel).matches(pod.labels())) set.putAll(sel);
        }
        List<Requirement> extra = new ArrayList<>();
        OwnerReference owner = controller(pod);
        if (owner != null) {
            String group = owner.getApiVersion() == null ? "" : owner.getApiVersion();
            String kind = owner.getKind();
            if ("ReplicationController".equals(kind) && group.equals("v1")) {
                ReplicationController rc = workloads.replicationController(pod.namespace(), owner.getName());
                if (rc != null && rc.getSpec() != null && rc.getSpec().getSelector() != null) set.putAll(rc.getSpec().getSelector());
            } else if ("ReplicaSet".equals(kind) && group.startsWith("apps/")) {
                ReplicaSet rs = workloads.replicaSet(pod.namespace(), owner.getName());
                if (rs != null && rs.getSpec() != null && rs.getSpec().getSelector() != null)
                    extra.addAll(Selectors.requirements(rs.getSpec().getSelector()));
            } else if ("StatefulSet".equals(kind) && group.startsWith("apps/")) {
                StatefulSet ss = workloads.statefulSet(pod.namespace(), owner.getName());
                if (ss != null && ss.getSpec() != null && ss.getSpec().getSelector() != null)
                    extra.addAll(Selectors.requirements(ss.getSpec().getSelector()));
            }
        }
        LabelSelector base = set.isEmpty() ? LabelSelector.EVERYTHING : LabelSelector.fromSet(set);
        return Selectors.and(base, extra);
    }

    private static OwnerReference controller(PodInfo pod) {
        var refs = pod.pod().getMetadata() == null ? null : pod.pod().getMetadata().getOwnerReferences();
        if (refs == null) return null;
        for (OwnerReference r : refs) if (Boolean.TRUE.equals(r.getController())) return r;
        return null;
    }
}
