package dev.beluga.cli;

import dev.beluga.cli.args.Arguments;
import dev.beluga.cli.args.CliCommand;
import dev.beluga.hollow.HollowNodeSpec;
import dev.beluga.hollow.HollowNodes;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * {@code beluga hollow --kubeconfig FILE --nodes N}: registers N hollow nodes (fake nodes with no containers behind
 * them, like kwok) that keep their leases fresh and report their pods Running, until stopped. For trying the
 * control plane (scheduling, Deployments, DaemonSets, kubectl rollout) and for scale tests without real nodes.
 */
final class HollowCommand implements CliCommand {
    static final String DESCRIPTION = "Run hollow (fake) nodes against an API server: for trying the control plane and scale tests.";

    Path kubeconfig;
    int nodes = 3;
    String prefix = "hollow";
    String cpu = "4";
    String memory = "32Gi";

    @Override
    public void declare(Arguments a) {
        a.option("--kubeconfig", "FILE", "Kubeconfig of the API server.", Path::of, v -> kubeconfig = v).required();
        a.option("--nodes", "N", "How many nodes (default: 3).", Integer::parseInt, v -> nodes = v);
        a.option("--prefix", "PREFIX", "Node name prefix (default: hollow).", v -> prefix = v);
        a.option("--cpu", "QUANTITY", "CPU per node (default: 4).", v -> cpu = v);
        a.option("--memory", "QUANTITY", "Memory per node (default: 32Gi).", v -> memory = v);
    }

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
