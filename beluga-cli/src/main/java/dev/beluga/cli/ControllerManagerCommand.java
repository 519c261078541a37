package dev.beluga.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code beluga controller-manager --kubeconfig FILE}: the built-in controllers alone, against any API server, with
 * leader election through the {@code kube-system/kube-controller-manager} Lease.
 */
@Command(name = "controller-manager", mixinStandardHelpOptions = true,
    description = "Run the controllers alone against an API server.")
final class ControllerManagerCommand implements Callable<Integer> {
    @Option(names = "--kubeconfig", paramLabel = "FILE", required = true, description = "Kubeconfig of the API server.")
    Path kubeconfig;

    @Option(names = "--disable-controller", paramLabel = "NAME", description = "Do not run this controller (repeatable).")
    List<String> disabled = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (!Files.isReadable(kubeconfig)) {
            System.err.println("beluga controller-manager: cannot read the kubeconfig " + kubeconfig);
            return 2;
        }
        AutoCloseable manager = ControlPlaneComponents.controllerManager(kubeconfig, kubeconfig, Set.copyOf(disabled));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                manager.close();
            } catch (Exception ignored) {
                // exiting
            }
            stopped.countDown();
        }, "beluga-shutdown"));
        System.out.println("Beluga controller manager running against " + kubeconfig);
        stopped.await();
        return 0;
    }
}
