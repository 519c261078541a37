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

    @Option(names = "--cluster-signing-cert-file", paramLabel = "FILE",
        description = "The cluster CA certificate (PEM) CertificateSigningRequests are signed with (with --cluster-signing-key-file;"
            + " without both, the CSR signing controller does not run).")
    Path signingCert;

    @Option(names = "--cluster-signing-key-file", paramLabel = "FILE", description = "The cluster CA's private key (PEM).")
    Path signingKey;

    @Option(names = "--cluster-signing-duration", paramLabel = "DURATION", defaultValue = "PT8760H",
        description = "The longest certificate the CSR signer issues, ISO-8601 (default: PT8760H, one year, as upstream).")
    java.time.Duration signingDuration;

    @Override
    public Integer call() throws Exception {
        if (!Files.isReadable(kubeconfig)) {
            System.err.println("beluga controller-manager: cannot read the kubeconfig " + kubeconfig);
            return 2;
        }
        if ((signingCert == null) != (signingKey == null)) {
            System.err.println("beluga controller-manager: give both --cluster-signing-cert-file and --cluster-signing-key-file, or neither");
            return 2;
        }
        dev.beluga.controllers.certificates.CertificateSigning signing = null;
        if (signingCert != null) {
            try {
                signing = new dev.beluga.controllers.certificates.CertificateSigning(new dev.beluga.pki.CertificateAuthority(
                    dev.beluga.pki.Pem.certificate(Files.readString(signingCert)), dev.beluga.pki.Pem.privateKey(Files.readString(signingKey))),
                    signingDuration);
            } catch (java.io.IOException | IllegalArgumentException e) {
                System.err.println("beluga controller-manager: the cluster signing CA: " + e.getMessage());
                return 2;
            }
        }
        AutoCloseable manager = ControlPlaneComponents.controllerManager(kubeconfig, kubeconfig, Set.copyOf(disabled), signing);
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
