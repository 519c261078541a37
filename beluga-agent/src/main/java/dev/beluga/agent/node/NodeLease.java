package dev.beluga.agent.node;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * The node's heartbeat: the Lease {@code kube-node-lease/<node>} (holder = node, owned by the Node so it goes with
 * it), renewed with one write each time (an update of the copy written last; re-read only after a conflict), as
 * upstream's kubelet does. Threading: {@link #renew()} from one thread at a time.
 */
public final class NodeLease {
    public static final String NAMESPACE = "kube-node-lease";

    private final KubernetesClient client;
    private final String node;
    private final String nodeUid;
    private final int durationSeconds;
    private Lease last;

    public NodeLease(KubernetesClient client, String node, String nodeUid, int durationSeconds) {
        this.client = client;
        this.node = node;
        this.nodeUid = nodeUid;
        this.durationSeconds = durationSeconds;
    }

    /** Renews (creating the Lease the first time); throws the API's error if the write failed. */
    public void renew() {
        var leases = client.leases().inNamespace(NAMESPACE);
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        if (last != null) {
            last.getSpec().setRenewTime(now);
            try {
                last = leases.resource(last).update();
                return;
            } catch (KubernetesClientException e) {
                last = null;
                if (e.getCode() != 409 && e.getCode() != 404) throw e;
            }
        }
        Lease existing = leases.withName(node).get();
        if (existing == null) {
            last = leases.resource(new LeaseBuilder()
                .withNewMetadata().withName(node).withNamespace(NAMESPACE)
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Node").withName(node)
                    .withUid(nodeUid).build()).endMetadata()
                .withNewSpec().withHolderIdentity(node).withLeaseDurationSeconds(durationSeconds).withRenewTime(now).endSpec()
                .build()).create();
        } else {
            existing.getSpec().setHolderIdentity(node);
            existing.getSpec().setLeaseDurationSeconds(durationSeconds);
            existing.getSpec().setRenewTime(now);
            last = leases.resource(existing).update();
        }
    }
}
