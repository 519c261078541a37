package dev.beluga.controllers.disruption;

import dev.beluga.controllers.runtime.Informers;
import dev.beluga.controllers.runtime.Owners;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How many pods a budget's pods' controllers want (upstream {@code getExpectedScale}): the sum of {@code spec.replicas}
 * over the distinct scalable controllers of the pods, found through controller references in the informer caches.
 * A ReplicaSet controlled by a Deployment counts as that Deployment (so the old and new ReplicaSets of a rollout
 * count once, at the Deployment's scale); other ReplicaSets, StatefulSets and ReplicationControllers count
 * themselves. Stateless apart from the informers it reads.
 */
final class ExpectedScale {
    /** A pod without a scalable controller in the cache: the budget cannot be computed. */
    static final class NoControllerException extends Exception {
        NoControllerException(String message) {
            super(message);
        }
    }

    private ExpectedScale() {
    }

    /** The total replicas of the pods' controllers; throws when a pod has none (or it is not in the cache). */
    static int of(Informers informers, List<Pod> pods) throws NoControllerException {
        Map<String, Integer> byUid = new HashMap<>();
        for (Pod p : pods) {
            OwnerReference ref = Owners.controllerOf(p);
            if (ref == null) throw new NoControllerException("found no controller ref for pod \"" + p.getMetadata().getName() + "\"");
            Scale s = scaleOf(informers, p.getMetadata().getNamespace(), ref);
            if (s == null) throw new NoControllerException("found no controllers for pod \"" + p.getMetadata().getName() + "\"");
            byUid.put(s.uid(), s.replicas());
        }
        int sum = 0;
        for (int r : byUid.values()) sum += r;
        return sum;
    }

    private record Scale(String uid, int replicas) {
    }

    private static Scale scaleOf(Informers informers, String ns, OwnerReference ref) {
        switch (ref.getKind()) {
            case "ReplicaSet" -> {
                ReplicaSet rs = informers.get(ReplicaSet.class, ns, ref.getName());
                if (rs == null || !ref.getUid().equals(rs.getMetadata().getUid())) return null;
                OwnerReference up = Owners.controllerOf(rs);
                if (up != null && "Deployment".equals(up.getKind())) {
                    Deployment d = informers.get(Deployment.class, ns, up.getName());
                    if (d == null || !up.getUid().equals(d.getMetadata().getUid())) return null;
                    return new Scale(d.getMetadata().getUid(), replicas(d.getSpec() == null ? null : d.getSpec().getReplicas()));
                }
                return new Scale(rs.getMetadata().getUid(), replicas(rs.getSpec() == null ? null : rs.getSpec().getReplicas()));
            }
            case "StatefulSet" -> {
                StatefulSet ss = informers.get(StatefulSet.class, ns, ref.getName());
                if (ss == null || !ref.getUid().equals(ss.getMetadata().getUid())) return null;
                return new Scale(ss.getMetadata().getUid(), replicas(ss.getSpec() == null ? null : ss.getSpec().getReplicas()));
            }
            case "ReplicationController" -> {
                ReplicationController rc = informers.get(ReplicationController.class, ns, ref.getName());
                if (rc == null || !ref.getUid().equals(rc.getMetadata().getUid())) return null;
                return new Scale(rc.getMetadata().getUid(), replicas(rc.getSpec() == null ? null : rc.getSpec().getReplicas()));
            }
            default -> {
                return null;
            }
        }
    }

    /** spec.replicas, defaulting to 1 as the API server does. */
    private static int replicas(Integer r) {
        return r == null ? 1 : r;
    }
}
