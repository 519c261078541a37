package dev.beluga.controllers.volume;

/** The annotation keys, reasons and well-known names of upstream's volume binding and provisioning protocol. */
public final class VolumeAnnotations {
    private VolumeAnnotations() {
    }

    /** On a claim: the binder finished binding it (upstream {@code AnnBindCompleted}). */
    public static final String BIND_COMPLETED = "pv.kubernetes.io/bind-completed";
    /** On a claim or volume: the binder (not the user) set volumeName / claimRef ({@code AnnBoundByController}). */
    public static final String BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller";
    /** On a volume: the provisioner that created it ({@code AnnDynamicallyProvisioned}). */
    public static final String PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";
    /** On a claim: the provisioner expected to provision it ({@code AnnStorageProvisioner}). */
    public static final String STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner";
    /** Legacy form of {@link #STORAGE_PROVISIONER}, still set by upstream. */
    public static final String BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner";
    /** On a WaitForFirstConsumer claim: the node the scheduler picked for its first pod ({@code AnnSelectedNode}). */
    public static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";
    /** Legacy claim/volume storage class annotation, preferred over spec.storageClassName as upstream does. */
    public static final String BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class";
    /** On a StorageClass: it is the default class. */
    public static final String DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";
    /** A StorageClass provisioner that provisions nothing (static local volumes). */
    public static final String NO_PROVISIONER = "kubernetes.io/no-provisioner";
    /** The node label the local-path provisioner pins its volumes with. */
    public static final String HOSTNAME_LABEL = "kubernetes.io/hostname";

    public static final String YES = "yes";
}
