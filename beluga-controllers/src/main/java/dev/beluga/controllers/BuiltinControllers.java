package dev.beluga.controllers;

import dev.beluga.controllers.replicaset.ReplicaSetController;
import dev.beluga.controllers.runtime.Controller;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The controllers {@code beluga server} and {@code beluga controller-manager} run, by upstream's names (so that
 * {@code --disable-controller NAME} reads as kube-controller-manager's {@code --controllers=-NAME}). Each call makes
 * fresh controller objects (one leadership term).
 */
public final class BuiltinControllers {
    private BuiltinControllers() {
    }

    /** Every built-in controller except those named in {@code disabled}; no CSR signing (no CA at hand). */
    public static List<Controller> create(Set<String> disabled) {
        return create(disabled, null);
    }

    /**
     * Every built-in controller except those named in {@code disabled}; the CSR signing controller signs with
     * {@code signing} (null: it does not run, as upstream's without {@code --cluster-signing-*-file}).
     */
    public static List<Controller> create(Set<String> disabled, dev.beluga.controllers.certificates.CertificateSigning signing) {
        List<Controller> all = new ArrayList<>();
        all.add(ReplicaSetController.replicaSets());
        all.add(ReplicaSetController.replicationControllers());
        all.add(new dev.beluga.controllers.deployment.DeploymentController());
        all.add(new dev.beluga.controllers.namespace.NamespaceController());
        all.add(new dev.beluga.controllers.serviceaccount.ServiceAccountController());
        all.add(new dev.beluga.controllers.rootca.RootCaCertPublisher());
        all.add(new dev.beluga.controllers.gc.GarbageCollector());
        all.add(new dev.beluga.controllers.endpoints.EndpointsController());
        all.add(new dev.beluga.controllers.endpoints.EndpointSliceController());
        all.add(new dev.beluga.controllers.servicelb.ServiceLbController());
        all.add(new dev.beluga.controllers.nodelifecycle.NodeLifecycleController());
        all.add(new dev.beluga.controllers.nodelifecycle.TaintEvictionController());
        all.add(new dev.beluga.controllers.nodeipam.NodeIpamController());
        all.add(new dev.beluga.controllers.daemonset.DaemonSetController());
        all.add(new dev.beluga.controllers.statefulset.StatefulSetController());
        all.add(new dev.beluga.controllers.job.JobController());
        all.add(new dev.beluga.controllers.disruption.DisruptionController());
        all.add(new dev.beluga.controllers.cronjob.CronJobController());
        all.add(new dev.beluga.controllers.ttl.TtlAfterFinishedController());
        all.add(new dev.beluga.controllers.quota.ResourceQuotaController());
        all.add(new dev.beluga.controllers.volume.PersistentVolumeController());
        all.add(new dev.beluga.controllers.volume.LocalPathProvisioner());
        if (signing != null) all.add(new dev.beluga.controllers.certificates.CsrSigningController(signing));
        all.add(new dev.beluga.controllers.certificates.CsrApprovingController());
        all.add(new dev.beluga.controllers.certificates.CsrCleanerController());
        all.removeIf(c -> disabled.contains(c.name()));
        return all;
    }

    /** The names of every built-in controller. */
    public static List<String> names() {
        List<String> names = new java.util.ArrayList<>(create(Set.of()).stream().map(Controller::name).toList());
        names.add("csrsigning-controller");
        return names;
    }
}
