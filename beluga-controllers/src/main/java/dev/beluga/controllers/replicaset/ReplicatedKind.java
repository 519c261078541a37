package dev.beluga.controllers.replicaset;

import dev.beluga.api.labels.LabelSelector;
import dev.beluga.controllers.runtime.Selectors;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What the replica-set logic needs of its kind, so that one controller serves both ReplicaSets and
 * ReplicationControllers (upstream converts RCs to RSs for the same reason). Stateless.
 */
interface ReplicatedKind<T extends HasMetadata> {
    Class<T> type();

    String controllerName();

    LabelSelector selector(T owner);

    int replicas(T owner);

    int minReadySeconds(T owner);

    PodTemplateSpec template(T owner);

    /** The current status as a {@link ReplicaCounts}, to compare before writing. */
    ReplicaCounts status(T owner);

    /** Writes the status subresource. */
    void updateStatus(KubernetesClient client, T owner, ReplicaCounts counts);

    ReplicatedKind<ReplicaSet> REPLICA_SET = new ReplicatedKind<>() {
        @Override
        public Class<ReplicaSet> type() {
            return ReplicaSet.class;
        }

        @Override
        public String controllerName() {
            return "replicaset-controller";
        }

        @Override
        public LabelSelector selector(ReplicaSet rs) {
            return Selectors.of(rs.getSpec().getSelector());
        }

        @Override
        public int replicas(ReplicaSet rs) {
            return rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
        }

        @Override
        public int minReadySeconds(ReplicaSet rs) {
            return rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
        }

        @Override
        public PodTemplateSpec template(ReplicaSet rs) {
            return rs.getSpec().getTemplate();
        }

        @Override
        public ReplicaCounts status(ReplicaSet rs) {
            var s = rs.getStatus();
            if (s == null) return ReplicaCounts.NONE;
            return new ReplicaCounts(n(s.getReplicas()), n(s.getFullyLabeledReplicas()), n(s.getReadyReplicas()),
                n(s.getAvailableReplicas()), s.getObservedGeneration() == null ? 0 : s.getObservedGeneration());
        }

        @Override
        public void updateStatus(KubernetesClient client, ReplicaSet rs, ReplicaCounts c) {
            ReplicaSet copy = new io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder(rs).withStatus(new ReplicaSetStatusBuilder(
                    rs.getStatus() == null ? new io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus() : rs.getStatus())
                .withReplicas(c.replicas()).withFullyLabeledReplicas(c.fullyLabeled()).withReadyReplicas(c.ready())
                .withAvailableReplicas(c.available()).withObservedGeneration(c.observedGeneration()).build()).build();
            client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).resource(copy).updateStatus();
        }
    };

    ReplicatedKind<ReplicationController> REPLICATION_CONTROLLER = new ReplicatedKind<>() {
        @Override
        public Class<ReplicationController> type() {
            return ReplicationController.class;
        }

        @Override
        public String controllerName() {
            return "replication-controller";
        }

        @Override
        public LabelSelector selector(ReplicationController rc) {
            return Selectors.ofMap(rc.getSpec().getSelector());
        }

        @Override
        public int replicas(ReplicationController rc) {
            return rc.getSpec().getReplicas() == null ? 1 : rc.getSpec().getReplicas();
        }

        @Override
        public int minReadySeconds(ReplicationController rc) {
            return rc.getSpec().getMinReadySeconds() == null ? 0 : rc.getSpec().getMinReadySeconds();
        }

        @Override
        public PodTemplateSpec template(ReplicationController rc) {
            return rc.getSpec().getTemplate();
        }

        @Override
        public ReplicaCounts status(ReplicationController rc) {
            var s = rc.getStatus();
            if (s == null) return ReplicaCounts.NONE;
            return new ReplicaCounts(n(s.getReplicas()), n(s.getFullyLabeledReplicas()), n(s.getReadyReplicas()),
                n(s.getAvailableReplicas()), s.getObservedGeneration() == null ? 0 : s.getObservedGeneration());
        }

        @Override
        public void updateStatus(KubernetesClient client, ReplicationController rc, ReplicaCounts c) {
            ReplicationController copy = new io.fabric8.kubernetes.api.model.ReplicationControllerBuilder(rc).withStatus(
                new ReplicationControllerStatusBuilder(rc.getStatus() == null ? new io.fabric8.kubernetes.api.model.ReplicationControllerStatus()
                    : rc.getStatus())
                    .withReplicas(c.replicas()).withFullyLabeledReplicas(c.fullyLabeled()).withReadyReplicas(c.ready())
                    .withAvailableReplicas(c.available()).withObservedGeneration(c.observedGeneration()).build()).build();
            client.replicationControllers().inNamespace(rc.getMetadata().getNamespace()).resource(copy).updateStatus();
        }
    };

    private static int n(Integer i) {
        return i == null ? 0 : i;
    }
}
