package dev.beluga.cli;

import dev.beluga.cli.args.Arguments;
import dev.beluga.cli.args.CliCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code beluga controller-manager --kubeconfig FILE}: the built-in controllers alone, against any API server, with
 * leader election through the {@code kube-system/kube-controller-manager} Lease.
 */
final class ControllerManagerCommand implements CliCommand {
    static final String DESCRIPTION = "Run the controllers alone against an API server.";

    Path kubeconfig;
    List<String> disabled = new ArrayList<>();
    Path signingCert;
    Path signingKey;
    Duration signingDuration = Duration.ofDays(365);

    @Override
    public void declare(Arguments a) {
        a.option("--kubeconfig", "FILE", "Kubeconfig of the API server.", Path::of, v -> kubeconfig = v).required();
        a.option("--disable-controller", "NAME", "Do not run this controller (repeatable).", disabled::add);
        a.option("--cluster-signing-cert-file", "FILE",
            "The cluster CA certificate (PEM) CertificateSigningRequests are signed with (with --cluster-signing-key-file;"
                + " without both, the CSR signing controller does not run).",
            Path::of, v -> signingCert = v);
        a.option("--cluster-signing-key-file", "FILE", "The cluster CA's private key (PEM).", Path::of, v -> signingKey = v);
        a.option("--cluster-signing-duration", "DURATION",
            "The longest certificate the CSR signer issues, ISO-8601 (default: PT8760H, one year, as upstream).",
            Duration::parse, v -> signingDuration = v);
    }

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
