package dev.beluga.cli;

import dev.beluga.hollow.HollowNodeSpec;
import dev.beluga.hollow.HollowNodes;
import io.fabric8.kubernetes.client.KubernetesClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code beluga hollow --kubeconfig FILE --nodes N}: registers N hollow nodes (fake nodes with no containers behind
 * them, like kwok) that keep their leases fresh and report their pods Running, until stopped. For trying the
 * control plane (scheduling, Deployments, DaemonSets, kubectl rollout) and for scale tests without real nodes.
 */
@Command(name = "hollow", mixinStandardHelpOptions = true,
    description = "Run hollow (fake) nodes against an API server: for trying the control plane and scale tests.")
final class HollowCommand implements Callable<Integer> {
    @Option(names = "--kubeconfig", paramLabel = "FILE", required = true, description = "Kubeconfig of the API server.")
    Path kubeconfig;

    @Option(names = "--nodes", defaultValue = "3", description = "How many nodes (default: 3).")
    int nodes;

    @Option(names = "--prefix", defaultValue = "hollow", description = "Node name prefix (default: hollow).")
    String prefix;

    @Option(names = "--cpu", defaultValue = "4", description = "CPU per node (default: 4).")
    String cpu;

    @Option(names = "--memory", defaultValue = "32Gi", description = "Memory per node (default: 32Gi).")
    String memory;

    @Override
    public Integer call() throws Exception {
        if (!Files.isReadable(kubeconfig)) {
            System.err.println("beluga hollow: cannot read the kubeconfig " + kubeconfig);
            return 2;
        }
        KubernetesClient client = ControlPlaneComponents.client(kubeconfig);
        HollowNodes hollow = new HollowNodes(client, HollowNodeSpec.of(nodes, prefix).withCapacity(cpu, memory, 110)
            .withLeaseInterval(Duration.ofSeconds(10)));
        hollow.register();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            hollow.close();
            client.close();
            stopped.countDown();
        }, "beluga-shutdown"));
        System.out.printf("%d hollow nodes %s-0..%s-%d registered; Ctrl-C to stop (the Node objects stay)%n", nodes, prefix, prefix, nodes - 1);
        stopped.await();
        return 0;
    }
}
