package dev.beluga.cli.bench;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;

import java.util.Map;

/** The objects the controller benchmark creates: small Deployments (1m CPU, 1 MiB) and a Service. Stateless. */
final class Workloads {
    private Workloads() {
    }

    static Deployment deployment(String name, int replicas, String version) {
        return new DeploymentBuilder().withNewMetadata().withName(name).endMetadata()
            .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", name).endSelector()
            .withNewTemplate().withNewMetadata().addToLabels("app", name).addToAnnotations("bench/version", version).endMetadata()
            .withNewSpec().withTerminationGracePeriodSeconds(0L).addNewContainer().withName("c").withImage("busybox:1.35")
            .addNewPort().withName("http").withContainerPort(8080).endPort()
            .withNewResources().withRequests(Map.of("cpu", new Quantity("1m"), "memory", new Quantity("1Mi"))).endResources()
            .endContainer().endSpec().endTemplate().endSpec().build();
    }

    static Service service(String name) {
        return new ServiceBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().addToSelector("app", name)
            .addNewPort().withName("http").withPort(80).withNewTargetPort("http").endPort().endSpec().build();
    }
}
