package dev.beluga.controllers.testing;

import dev.beluga.controllers.runtime.Owners;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;

import java.time.Instant;
import java.util.Map;

/** Builds pods in a given state for controller unit tests (phase, readiness, node, owner, age). Stateless. */
public final class TestPods {
    private TestPods() {
    }

    /** A pending, unscheduled pod in {@code default} with the labels, controlled by {@code owner} (if not null). */
    public static PodBuilder pod(String name, Map<String, String> labels, HasMetadata owner) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace("default").withLabels(labels)
            .withCreationTimestamp(FakeCluster.START.toString()).endMetadata()
            .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec()
            .withNewStatus().withPhase("Pending").endStatus();
        if (owner != null) b.editMetadata().withOwnerReferences(Owners.controllerRef(owner)).endMetadata();
        return b;
    }

    /** The pod, scheduled on {@code node}, Running and Ready since {@code readySince} (null: Running, not Ready). */
    public static Pod running(PodBuilder b, String node, Instant readySince) {
        b.editSpec().withNodeName(node).endSpec().editStatus().withPhase("Running").endStatus();
        if (readySince != null)
            b.editStatus().addToConditions(new PodConditionBuilder().withType("Ready").withStatus("True")
                .withLastTransitionTime(readySince.toString()).build()).endStatus();
        else
            b.editStatus().addToConditions(new PodConditionBuilder().withType("Ready").withStatus("False").build()).endStatus();
        return b.build();
    }

    public static Pod created(Pod p, Instant at) {
        p.getMetadata().setCreationTimestamp(at.toString());
        return p;
    }
}
