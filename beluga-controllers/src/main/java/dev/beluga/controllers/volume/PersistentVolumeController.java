package dev.beluga.controllers.volume;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.EventRecorder;
import dev.beluga.controllers.runtime.Keys;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The PersistentVolume binder (upstream {@code pkg/controller/volume/persistentvolume}, "persistentvolume-binder"):
 * binds claims to volumes, asks provisioners for volumes, and releases and reclaims volumes whose claim is gone.
 *
 * <p>Claims ({@link #syncClaim}): an unbound claim gets the best fitting volume ({@link VolumeMatcher}); a claim of a
 * WaitForFirstConsumer class waits for the scheduler's {@code volume.kubernetes.io/selected-node} annotation and then
 * takes a volume that fits that node (Beluga's scheduler does not match static volumes itself, so the binder does
 * it here). With no fitting volume, a claim of a class with a provisioner is annotated
 * {@code volume.kubernetes.io/storage-provisioner} for that provisioner (event {@code ExternalProvisioning}); the
 * claim stays Pending until a volume pre-bound to it appears. {@code spec.volumeName} and pre-bound claimRefs are
 * honoured. A bound claim whose volume is gone or bound elsewhere becomes Lost.
 *
 * <p>Volumes ({@link #syncVolume}): no claimRef (or one without uid) → Available; claim bound to it → Bound; claim
 * gone → Released and reclaimed by policy: Retain keeps it, Delete deletes the PersistentVolume object unless a
 * provisioner made it ({@code pv.kubernetes.io/provisioned-by}, which then deletes it itself), Recycle is not
 * supported (Failed). Beluga deletes no data here: the storage behind a deleted static volume is the admin's.
 *
 * <p>Keys: a claim's key is {@code namespace/name}, a volume's its name (volume names cannot contain a slash), so
 * one queue serves both. Reconcile is idempotent and reads informer caches (or the newer versions it wrote itself,
 * {@link WrittenVersions}), falling back to a live GET only before deciding a claim or volume is gone. Writes carry resourceVersions (see {@link BindingWrites}): two workers racing for a
 * volume, or a stale cache, end in a 409 and a retry, never in a double binding. Events that would repeat on every
 * sync of an unchanged claim are recorded once per claim resourceVersion.
 */
public final class PersistentVolumeController implements Controller {
    private static final Logger log = LoggerFactory.getLogger(PersistentVolumeController.class);
    static final String NAME = "persistentvolume-binder-controller";

    private ControllerContext ctx;
    private WorkQueue<String> queue;
    private BindingWrites writes;
    private final Set<String> recorded = ConcurrentHashMap.newKeySet();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void register(ControllerContext ctx, WorkQueue<String> queue) {
        this.ctx = ctx;
        this.queue = queue;
        this.writes = new BindingWrites(ctx.client());
        ctx.informers().informer(Node.class);
        ctx.informers().informer(PersistentVolumeClaim.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(PersistentVolumeClaim c) {
                queue.add(Keys.of(c));
            }

            @Override
            public void onUpdate(PersistentVolumeClaim o, PersistentVolumeClaim c) {
                queue.add(Keys.of(c));
            }

            @Override
            public void onDelete(PersistentVolumeClaim c, boolean unknown) {
                writes.claims.forget(c);
                String vn = c.getSpec() == null ? null : c.getSpec().getVolumeName();
                if (vn != null && !vn.isEmpty()) queue.add(vn);
                for (PersistentVolume v : ctx.informers().list(PersistentVolume.class))
                    if (VolumeMatcher.isBoundToClaim(v, c)) queue.add(v.getMetadata().getName());
            }
        });
        ctx.informers().informer(PersistentVolume.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(PersistentVolume v) {
                volumeChanged(v);
            }

            @Override
            public void onUpdate(PersistentVolume o, PersistentVolume v) {
                volumeChanged(v);
            }

            @Override
            public void onDelete(PersistentVolume v, boolean unknown) {
                writes.volumes.forget(v);
                ObjectReference ref = v.getSpec() == null ? null : v.getSpec().getClaimRef();
                if (ref != null && ref.getName() != null) queue.add(Keys.of(ref.getNamespace(), ref.getName()));
            }
        });
        ctx.informers().informer(StorageClass.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(StorageClass s) {
                enqueueUnboundClaims();
            }

            @Override
            public void onUpdate(StorageClass o, StorageClass s) {
                enqueueUnboundClaims();
            }

            @Override
            public void onDelete(StorageClass s, boolean unknown) {
            }
        });
    }

    /** A volume changed: sync it, and when it may be free, let waiting claims look at it (upstream's periodic resync). */
    private void volumeChanged(PersistentVolume v) {
        queue.add(v.getMetadata().getName());
        ObjectReference ref = v.getSpec() == null ? null : v.getSpec().getClaimRef();
        if (ref == null) enqueueUnboundClaims();
        else if (ref.getName() != null) queue.add(Keys.of(ref.getNamespace(), ref.getName()));
    }

    private void enqueueUnboundClaims() {
        for (PersistentVolumeClaim c : ctx.informers().list(PersistentVolumeClaim.class))
            if (!bindCompleted(c)) queue.add(Keys.of(c));
    }

    @Override
    public void reconcile(String key) {
        if (key.indexOf('/') >= 0) {
            PersistentVolumeClaim c = claim(Keys.namespace(key), Keys.name(key));
            if (c != null) syncClaim(c);
        } else {
            PersistentVolume v = volume(key);
            if (v != null && v.getSpec() != null) syncVolume(v);
        }
    }

    // ---------------------------------------------------------------- claims

    void syncClaim(PersistentVolumeClaim claim) {
        if (claim.getSpec() == null) return;
        if (bindCompleted(claim)) syncBoundClaim(claim);
        else syncUnboundClaim(claim);
    }

    private void syncUnboundClaim(PersistentVolumeClaim claim) {
        String volumeName = claim.getSpec().getVolumeName();
        if (volumeName == null || volumeName.isEmpty()) {
            String cls = VolumeMatcher.claimClass(claim);
            StorageClass sc = cls.isEmpty() ? null : ctx.informers().get(StorageClass.class, null, cls);
            boolean delay = sc != null && "WaitForFirstConsumer".equals(sc.getVolumeBindingMode());
            String selected = annotation(claim, VolumeAnnotations.SELECTED_NODE);
            Node node = delay && selected != null ? node(selected) : null;
            PersistentVolume match = VolumeMatcher.findBestMatch(claim, volumes(), node, delay);
            if (match != null) {
                writes.bind(match, claim);
                return;
            }
            if (delay && selected == null) {
                eventOnce(claim, EventRecorder.NORMAL, "WaitForFirstConsumer", "waiting for first consumer to be created before binding");
                writes.claimPhase(claim, "Pending");
                return;
            }
            if (!cls.isEmpty()) {
                provision(claim, cls, sc);
                return;
            }
            eventOnce(claim, EventRecorder.NORMAL, "FailedBinding", "no persistent volumes available for this claim and no storage class is set");
            writes.claimPhase(claim, "Pending");
            return;
        }
        PersistentVolume volume = volume(volumeName);
        if (volume == null) {
            writes.claimPhase(claim, "Pending"); // the volume may be created later
        } else if (volume.getSpec().getClaimRef() == null) {
            String why = VolumeMatcher.mismatch(volume, claim);
            if (why != null) {
                eventOnce(claim, EventRecorder.WARNING, "VolumeMismatch", "Cannot bind to requested volume \"" + volumeName + "\": " + why);
                writes.claimPhase(claim, "Pending");
            } else {
                writes.bind(volume, claim);
            }
        } else if (VolumeMatcher.isBoundToClaim(volume, claim)) {
            writes.bind(volume, claim);
        } else {
            eventOnce(claim, EventRecorder.WARNING, "FailedBinding", "volume \"" + volumeName + "\" already bound to a different claim.");
            writes.claimPhase(claim, "Pending");
        }
    }

    /** No volume fits: hand the claim to its class's provisioner (all provisioners are "external" to the binder). */
    private void provision(PersistentVolumeClaim claim, String cls, StorageClass sc) {
        if (sc == null) {
            eventOnce(claim, EventRecorder.WARNING, "ProvisioningFailed", "storageclass.storage.k8s.io \"" + cls + "\" not found");
            writes.claimPhase(claim, "Pending");
            return;
        }
        String provisioner = sc.getProvisioner();
        if (provisioner == null || provisioner.isEmpty() || VolumeAnnotations.NO_PROVISIONER.equals(provisioner)) {
            writes.claimPhase(claim, "Pending");
            return;
        }
        PersistentVolumeClaim c = writes.annotateClaim(claim, Map.of(VolumeAnnotations.STORAGE_PROVISIONER, provisioner,
            VolumeAnnotations.BETA_STORAGE_PROVISIONER, provisioner));
        eventOnce(c, EventRecorder.NORMAL, "ExternalProvisioning", "Waiting for a volume to be created either by the external provisioner '"
            + provisioner + "' or manually by the system administrator. If volume creation is delayed, please verify that the"
            + " provisioner is running and correctly registered.");
        writes.claimPhase(c, "Pending");
    }

    private void syncBoundClaim(PersistentVolumeClaim claim) {
        String volumeName = claim.getSpec().getVolumeName();
        if (volumeName == null || volumeName.isEmpty()) {
            lost(claim, "ClaimLost", "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!");
            return;
        }
        PersistentVolume volume = volume(volumeName);
        if (volume == null) volume = liveVolume(volumeName);
        if (volume == null) {
            lost(claim, "ClaimLost", "Bound claim has lost its PersistentVolume. Data on the volume is lost!");
        } else if (volume.getSpec().getClaimRef() == null || VolumeMatcher.isBoundToClaim(volume, claim)) {
            writes.bind(volume, claim); // completes a half-done binding; writes nothing when all is in place
        } else {
            lost(claim, "ClaimMisbound", "Two claims are bound to the same volume, this one is bound incorrectly");
        }
    }

    private void lost(PersistentVolumeClaim claim, String reason, String message) {
        if (claim.getStatus() != null && "Lost".equals(claim.getStatus().getPhase())) return;
        ctx.events().event(claim, NAME, EventRecorder.WARNING, reason, message);
        writes.claimPhase(claim, "Lost");
    }

    // ---------------------------------------------------------------- volumes

    void syncVolume(PersistentVolume volume) {
        if (volume.getMetadata().getDeletionTimestamp() != null) return;
        ObjectReference ref = volume.getSpec().getClaimRef();
        if (ref == null || ref.getUid() == null || ref.getUid().isEmpty()) {
            writes.volumePhase(volume, "Available", null); // unused, or pre-bound and waiting for its claim
            if (ref != null && ref.getName() != null) queue.add(Keys.of(ref.getNamespace(), ref.getName()));
            return;
        }
        PersistentVolumeClaim claim = claim(ref.getNamespace(), ref.getName());
        if (claim == null) claim = liveClaim(ref.getNamespace(), ref.getName());
        if (claim != null && !ref.getUid().equals(claim.getMetadata().getUid())) claim = null;
        if (claim == null) {
            String phase = volume.getStatus() == null ? null : volume.getStatus().getPhase();
            PersistentVolume v = "Released".equals(phase) || "Failed".equals(phase) ? volume : writes.volumePhase(volume, "Released", null);
            reclaim(v);
            return;
        }
        String bound = claim.getSpec() == null ? null : claim.getSpec().getVolumeName();
        if (bound == null || bound.isEmpty()) {
            queue.add(Keys.of(claim)); // binding in progress (or the user cleared volumeName): the claim sync finishes it
        } else if (bound.equals(volume.getMetadata().getName())) {
            writes.volumePhase(volume, "Bound", null);
        } else if (annotation(volume, VolumeAnnotations.PROVISIONED_BY) != null && "Delete".equals(reclaimPolicy(volume))) {
            // provisioned for this claim, which got bound elsewhere: not needed any more
            reclaim(writes.volumePhase(volume, "Released", null));
        } else {
            writes.unbindVolume(volume);
        }
    }

    private void reclaim(PersistentVolume volume) {
        switch (reclaimPolicy(volume)) {
            case "Delete" -> {
                if (annotation(volume, VolumeAnnotations.PROVISIONED_BY) != null) return; // its provisioner deletes it
                log.info("deleting released volume {} (reclaimPolicy Delete)", volume.getMetadata().getName());
                try {
                    ctx.client().persistentVolumes().withName(volume.getMetadata().getName()).delete();
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 404) throw e;
                }
            }
            case "Recycle" -> {
                if ("Failed".equals(volume.getStatus() == null ? null : volume.getStatus().getPhase())) return;
                ctx.events().event(volume, NAME, EventRecorder.WARNING, "VolumeFailedRecycle", "Recycle is not supported by Beluga");
                writes.volumePhase(volume, "Failed", "Recycle is not supported");
            }
            default -> { } // Retain: stays Released until an admin clears the claimRef
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Reads: the informer's object, or the version this controller wrote if the informer has not caught up. */
    private PersistentVolumeClaim claim(String ns, String name) {
        return writes.claims.newest(ctx.informers().get(PersistentVolumeClaim.class, ns, name));
    }

    private PersistentVolume volume(String name) {
        return writes.volumes.newest(ctx.informers().get(PersistentVolume.class, null, name));
    }

    private java.util.List<PersistentVolume> volumes() {
        return ctx.informers().list(PersistentVolume.class).stream().map(writes.volumes::newest).toList();
    }

    private static String reclaimPolicy(PersistentVolume v) {
        String p = v.getSpec().getPersistentVolumeReclaimPolicy();
        return p == null ? "Retain" : p;
    }

    static boolean bindCompleted(PersistentVolumeClaim c) {
        return annotation(c, VolumeAnnotations.BIND_COMPLETED) != null;
    }

    private static String annotation(HasMetadata o, String key) {
        return VolumeMatcher.annotation(o.getMetadata().getAnnotations(), key);
    }

    /** The selected node as cached, or a stand-in carrying only its name and hostname label (node not seen yet). */
    private Node node(String name) {
        Node n = ctx.informers().get(Node.class, null, name);
        return n != null ? n : new NodeBuilder().withNewMetadata().withName(name).addToLabels(VolumeAnnotations.HOSTNAME_LABEL, name)
            .endMetadata().build();
    }

    private PersistentVolumeClaim liveClaim(String ns, String name) {
        try {
            return ctx.client().persistentVolumeClaims().inNamespace(ns).withName(name).get();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) return null;
            throw e;
        }
    }

    private PersistentVolume liveVolume(String name) {
        try {
            return ctx.client().persistentVolumes().withName(name).get();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) return null;
            throw e;
        }
    }

    /** Records the event unless it was recorded for this very version of the object (repeated syncs stay quiet). */
    private void eventOnce(HasMetadata o, String type, String reason, String message) {
        String k = o.getMetadata().getUid() + "/" + o.getMetadata().getResourceVersion() + "/" + reason;
        if (recorded.size() > 10_000) recorded.clear();
        if (recorded.add(k)) ctx.events().event(o, NAME, type, reason, message);
    }
}
