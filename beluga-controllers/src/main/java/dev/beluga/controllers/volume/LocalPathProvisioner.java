package dev.beluga.controllers.volume;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.EventRecorder;
import dev.beluga.controllers.runtime.KeyEvents;
import dev.beluga.controllers.runtime.Keys;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The built-in dynamic provisioner {@code rancher.io/local-path} (what k3s ships as local-path-provisioner, run here
 * as a controller instead of a pod). It provisions a claim when the binder has annotated it
 * {@code volume.kubernetes.io/storage-provisioner: rancher.io/local-path}, its class's provisioner is this one, it
 * is not bound yet, and it carries {@code volume.kubernetes.io/selected-node} (a node-local directory needs a node;
 * WaitForFirstConsumer, the default class's mode, provides it). It creates {@link LocalPathVolumes#newVolume} —
 * pre-bound to the claim, so the binder binds the two — with events {@code Provisioning} and
 * {@code ProvisioningSucceeded} (or {@code ProvisioningFailed}) on the claim.
 *
 * <p>It also deletes its own volumes once they are Released with reclaimPolicy Delete. Only the PersistentVolume
 * object is deleted: the directory on the node is neither created nor removed here (the PV's hostPath type
 * {@code DirectoryOrCreate} has the node agent create it on first mount; removing it on delete is left for the node
 * agent, which Rancher does with a helper pod).
 *
 * <p>Keys as {@link PersistentVolumeController}: {@code namespace/name} for claims, a name for volumes. Reconcile is
 * idempotent: the volume's name is derived from the claim's uid, so a repeated create answers 409 and nothing is
 * made twice. Reads informer caches only.
 */
public final class LocalPathProvisioner implements Controller {
    private static final Logger log = LoggerFactory.getLogger(LocalPathProvisioner.class);
    public static final String PROVISIONER = "rancher.io/local-path";
    public static final String DEFAULT_BASE_PATH = "/var/lib/beluga/storage";
    static final String NAME = "local-path-provisioner";

    private final String basePath;
    private final Set<String> recorded = ConcurrentHashMap.newKeySet();
    private ControllerContext ctx;

    public LocalPathProvisioner() {
        this(DEFAULT_BASE_PATH);
    }

    /** @param basePath the directory under which volumes are made, unless the class sets {@code nodePath} */
    public LocalPathProvisioner(String basePath) {
        this.basePath = basePath;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void register(ControllerContext ctx, WorkQueue<String> queue) {
        this.ctx = ctx;
        ctx.informers().informer(StorageClass.class);
        ctx.informers().informer(Node.class);
        ctx.informers().informer(PersistentVolumeClaim.class).addEventHandler(KeyEvents.enqueue(queue));
        ctx.informers().informer(PersistentVolume.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(PersistentVolume v) {
                queue.add(v.getMetadata().getName());
            }

            @Override
            public void onUpdate(PersistentVolume o, PersistentVolume v) {
                queue.add(v.getMetadata().getName());
            }

            @Override
            public void onDelete(PersistentVolume v, boolean unknown) {
            }
        });
    }

    @Override
    public void reconcile(String key) {
        if (key.indexOf('/') >= 0) {
            PersistentVolumeClaim c = ctx.informers().get(PersistentVolumeClaim.class, Keys.namespace(key), Keys.name(key));
            if (c != null) provision(c);
        } else {
            PersistentVolume v = ctx.informers().get(PersistentVolume.class, null, key);
            if (v != null) deleteIfReleased(v);
        }
    }

    private void provision(PersistentVolumeClaim claim) {
        if (claim.getSpec() == null || claim.getMetadata().getDeletionTimestamp() != null) return;
        if (claim.getSpec().getVolumeName() != null && !claim.getSpec().getVolumeName().isEmpty()) return;
        if (!PROVISIONER.equals(annotation(claim, VolumeAnnotations.STORAGE_PROVISIONER))
            && !PROVISIONER.equals(annotation(claim, VolumeAnnotations.BETA_STORAGE_PROVISIONER))) return;
        String cls = VolumeMatcher.claimClass(claim);
        StorageClass sc = cls.isEmpty() ? null : ctx.informers().get(StorageClass.class, null, cls);
        if (sc == null || !PROVISIONER.equals(sc.getProvisioner())) return;
        String node = annotation(claim, VolumeAnnotations.SELECTED_NODE);
        if (node == null || node.isEmpty()) {
            if (!"WaitForFirstConsumer".equals(sc.getVolumeBindingMode()))
                eventOnce(claim, EventRecorder.WARNING, "ProvisioningFailed", "configuration error, no node was specified");
            return; // WaitForFirstConsumer: the scheduler selects the node
        }
        String name = LocalPathVolumes.volumeName(claim);
        if (ctx.informers().get(PersistentVolume.class, null, name) != null) return;
        String why = LocalPathVolumes.unsupported(claim);
        if (why != null) {
            eventOnce(claim, EventRecorder.WARNING, "ProvisioningFailed", "failed to provision volume with StorageClass \"" + cls + "\": " + why);
            return;
        }
        String claimKey = Keys.of(claim);
        ctx.events().event(claim, NAME, EventRecorder.NORMAL, "Provisioning", "External provisioner is provisioning volume for claim \"" + claimKey + "\"");
        PersistentVolume pv = LocalPathVolumes.newVolume(claim, sc, hostname(node), basePath);
        try {
            ctx.client().persistentVolumes().resource(pv).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) return; // made by an earlier sync; the cache has not seen it yet
            ctx.events().event(claim, NAME, EventRecorder.WARNING, "ProvisioningFailed",
                "failed to provision volume with StorageClass \"" + cls + "\": " + e.getMessage());
            throw e;
        }
        log.info("provisioned {} for claim {} on node {} at {}", name, claimKey, node, pv.getSpec().getHostPath().getPath());
        ctx.events().event(claim, NAME, EventRecorder.NORMAL, "ProvisioningSucceeded", "Successfully provisioned volume " + name);
    }

    /** Deletes a volume of ours that the binder has Released, when its policy is Delete (the object only; see class doc). */
    private void deleteIfReleased(PersistentVolume v) {
        if (!PROVISIONER.equals(annotation(v, VolumeAnnotations.PROVISIONED_BY)) || v.getMetadata().getDeletionTimestamp() != null) return;
        if (v.getStatus() == null || !"Released".equals(v.getStatus().getPhase())) return;
        if (v.getSpec() == null || !"Delete".equals(v.getSpec().getPersistentVolumeReclaimPolicy())) return;
        log.info("deleting released volume {} (reclaimPolicy Delete); its directory {} is left on the node", v.getMetadata().getName(),
            v.getSpec().getHostPath() == null ? "?" : v.getSpec().getHostPath().getPath());
        try {
            ctx.client().persistentVolumes().withName(v.getMetadata().getName()).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) throw e;
        }
    }

    /** The node's {@code kubernetes.io/hostname} label (what the volume's affinity pins), or its name when unknown. */
    private String hostname(String node) {
        Node n = ctx.informers().get(Node.class, null, node);
        String label = n == null || n.getMetadata().getLabels() == null ? null : n.getMetadata().getLabels().get(VolumeAnnotations.HOSTNAME_LABEL);
        return label == null || label.isEmpty() ? node : label;
    }

    private static String annotation(HasMetadata o, String key) {
        return VolumeMatcher.annotation(o.getMetadata().getAnnotations(), key);
    }

    private void eventOnce(HasMetadata o, String type, String reason, String message) {
        String k = o.getMetadata().getUid() + "/" + o.getMetadata().getResourceVersion() + "/" + reason;
        if (recorded.size() > 10_000) recorded.clear();
        if (recorded.add(k)) ctx.events().event(o, NAME, type, reason, message);
    }
}
