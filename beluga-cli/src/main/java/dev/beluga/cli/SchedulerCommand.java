package dev.beluga.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code beluga scheduler --kubeconfig FILE}: the scheduler alone, against any API server (Beluga's or another
 * Kubernetes), with leader election through the {@code kube-system/kube-scheduler} Lease.
 */
@Command(name = "scheduler", mixinStandardHelpOptions = true, description = "Run the scheduler alone against an API server.")
final class SchedulerCommand implements Callable<Integer> {
    @Option(names = "--kubeconfig", paramLabel = "FILE", required = true, description = "Kubeconfig of the API server to schedule for.")
    Path kubeconfig;

    @Option(names = "--config", paramLabel = "FILE",
        description = "KubeSchedulerConfiguration (YAML or JSON): profiles, plugins, weights, percentageOfNodesToScore.")
    Path config;

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
