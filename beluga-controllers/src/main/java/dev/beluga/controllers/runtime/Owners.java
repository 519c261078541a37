package dev.beluga.controllers.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/** Controller references ({@code metadata.ownerReferences} with {@code controller: true}), as upstream's helpers. */
public final class Owners {
    private Owners() {
    }

    /** The controlling owner reference, or null. */
    public static OwnerReference controllerOf(HasMetadata o) {
        if (o.getMetadata().getOwnerReferences() == null) return null;
        for (OwnerReference r : o.getMetadata().getOwnerReferences()) if (Boolean.TRUE.equals(r.getController())) return r;
        return null;
    }

    /** Whether {@code o} is controlled by {@code owner} (same UID). */
    public static boolean isControlledBy(HasMetadata o, HasMetadata owner) {
        OwnerReference r = controllerOf(o);
        return r != null && r.getUid().equals(owner.getMetadata().getUid());
    }

    /** A controller reference to {@code owner}, blocking the owner's foreground deletion. */
    public static OwnerReference controllerRef(HasMetadata owner) {
        return new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
            .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
            .withController(true).withBlockOwnerDeletion(true).build();
    }
}
