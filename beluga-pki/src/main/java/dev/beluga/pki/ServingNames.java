package dev.beluga.pki;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The names every API server certificate carries: {@code localhost}, the machine's host name, the in-cluster names of
 * the {@code kubernetes} service ({@code kubernetes}, {@code .default}, {@code .default.svc},
 * {@code .default.svc.cluster.local}), and the loopback addresses 127.0.0.1 and ::1.
 */
final class ServingNames {
    private static final Logger log = LoggerFactory.getLogger(ServingNames.class);
    static final List<String> KUBERNETES_SERVICE = List.of("kubernetes", "kubernetes.default", "kubernetes.default.svc",
        "kubernetes.default.svc.cluster.local");
    private static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    private ServingNames() {
    }

    /** The default names, with the host name when it is a valid DNS name. */
    static SubjectAltNames defaults() {
        List<String> dns = new ArrayList<>();
        dns.add("localhost");
        hostname().ifPresent(dns::add);
        dns.addAll(KUBERNETES_SERVICE);
        try {
            List<InetAddress> ips = List.of(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}),
                InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
            return SubjectAltNames.of(dns, ips);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The machine's host name, lower-cased (as the kernel reports it, like Go's {@code os.Hostname}; else as the JDK
     * resolves it), or empty when there is none usable as a DNS name.
     */
    static Optional<String> hostname() {
        String name = null;
        try {
            if (Files.isReadable(KERNEL_HOSTNAME)) name = Files.readString(KERNEL_HOSTNAME).trim();
        } catch (IOException e) {
            log.debug("cannot read {}: {}", KERNEL_HOSTNAME, e.toString());
        }
        if (name == null || name.isEmpty()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                log.debug("no host name: {}", e.toString());
            }
        }
        if (name == null || name.isEmpty()) return Optional.empty();
        if (!SubjectAltNames.isDnsName(name)) {
            log.warn("the host name \"{}\" is not a valid DNS name; it is left out of the serving certificate", name);
            return Optional.empty();
        }
        return Optional.of(name.toLowerCase(Locale.ROOT));
    }
}
