package dev.beluga.cli;

import dev.beluga.cli.args.Arguments;
import dev.beluga.cli.args.CliCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code beluga scheduler --kubeconfig FILE}: the scheduler alone, against any API server (Beluga's or another
 * Kubernetes), with leader election through the {@code kube-system/kube-scheduler} Lease.
 */
final class SchedulerCommand implements CliCommand {
    static final String DESCRIPTION = "Run the scheduler alone against an API server.";

    Path kubeconfig;
    Path config;

    @Override
    public void declare(Arguments a) {
        a.option("--kubeconfig", "FILE", "Kubeconfig of the API server to schedule for.",
            Path::of, v -> kubeconfig = v).required();
        a.option("--config", "FILE",
            "KubeSchedulerConfiguration (YAML or JSON): profiles, plugins, weights, percentageOfNodesToScore.",
            Path::of, v -> config = v);
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isReadable(kubeconfig)) {
            System.err.println("beluga scheduler: cannot read the kubeconfig " + kubeconfig);
            return 2;
        }
        AutoCloseable scheduler;
        try {
            scheduler = ControlPlaneComponents.scheduler(kubeconfig, kubeconfig, null, config);
        } catch (java.io.IOException | IllegalArgumentException e) {
            System.err.println("beluga scheduler: invalid configuration " + config + ": " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                scheduler.close();
            } catch (Exception ignored) {
                // exiting
            }
            stopped.countDown();
        }, "beluga-shutdown"));
        System.out.println("Beluga scheduler running against " + kubeconfig);
        stopped.await();
        return 0;
    }
}
