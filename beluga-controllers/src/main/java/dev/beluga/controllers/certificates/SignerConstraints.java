package dev.beluga.controllers.certificates;

import dev.beluga.pki.CertificateRequest;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the Kubernetes signers Beluga runs accept (upstream's {@code isRequestForSigner} functions and
 * {@code ValidateKubeletClientCSR} / {@code ValidateKubeletServingCSR}), with upstream's messages:
 *
 * <ul>
 *   <li>{@value #KUBE_APISERVER_CLIENT}: usages "client auth" plus optionally "digital signature" and "key
 *       encipherment"; any subject;</li>
 *   <li>{@value #KUBELET_CLIENT}: O exactly [system:nodes], CN {@code system:node:...}, no subjectAltNames, usages
 *       exactly {digital signature, client auth} (RSA keys: plus key encipherment);</li>
 *   <li>{@value #KUBELET_SERVING}: O exactly [system:nodes], CN {@code system:node:...}, at least one DNS or IP
 *       subjectAltName, no email or URI ones, usages exactly {digital signature, server auth} (plus key encipherment).</li>
 * </ul>
 *
 * Stateless.
 */
public final class SignerConstraints {
    public static final String KUBE_APISERVER_CLIENT = "kubernetes.io/kube-apiserver-client";
    public static final String KUBELET_CLIENT = "kubernetes.io/kube-apiserver-client-kubelet";
    public static final String KUBELET_SERVING = "kubernetes.io/kubelet-serving";
    /** The signers Beluga's signing controller serves. */
    public static final Set<String> SIGNERS = Set.of(KUBE_APISERVER_CLIENT, KUBELET_CLIENT, KUBELET_SERVING);
    static final String NODES_GROUP = "system:nodes";
    static final String NODE_PREFIX = "system:node:";

    private SignerConstraints() {
    }

    /**
     * Why {@code signerName} must refuse {@code request} with {@code usages}, or empty when it may sign it.
     *
     * @throws IllegalArgumentException for a signer this class does not know
     */
    public static Optional<String> problem(String signerName, CertificateRequest request, List<String> usages) {
        Set<String> u = Set.copyOf(usages);
        return switch (signerName) {
            case KUBE_APISERVER_CLIENT -> apiServerClientUsages(usages);
            case KUBELET_CLIENT -> kubeletClient(request, u);
            case KUBELET_SERVING -> kubeletServing(request, u);
            default -> throw new IllegalArgumentException("unrecognized signerName: \"" + signerName + "\"");
        };
    }

    private static Optional<String> apiServerClientUsages(List<String> usages) {
        boolean clientAuth = false;
        for (String u : usages) {
            switch (u) {
                case "digital signature", "key encipherment" -> { }
                case "client auth" -> clientAuth = true;
                default -> {
                    return Optional.of("invalid usage for client certificate: " + u);
                }
            }
        }
        return clientAuth ? Optional.empty() : Optional.of("missing required usage for client certificate: client auth");
    }

    private static Optional<String> kubeletClient(CertificateRequest r, Set<String> usages) {
        if (!r.organizations().equals(List.of(NODES_GROUP))) return Optional.of("subject organization is not system:nodes");
        if (!r.dnsNames().isEmpty()) return Optional.of("DNS subjectAltNames are not allowed");
        if (!r.emailAddresses().isEmpty()) return Optional.of("Email subjectAltNames are not allowed");
        if (!r.ipAddresses().isEmpty()) return Optional.of("IP subjectAltNames are not allowed");
        if (!r.uris().isEmpty()) return Optional.of("URI subjectAltNames are not allowed");
        if (!r.commonName().startsWith(NODE_PREFIX)) return Optional.of("subject common name does not begin with system:node:");
        if (!usages.equals(Set.of("digital signature", "key encipherment", "client auth"))
            && !usages.equals(Set.of("digital signature", "client auth")))
            return Optional.of("usages did not match [client auth digital signature key encipherment]");
        return Optional.empty();
    }

    private static Optional<String> kubeletServing(CertificateRequest r, Set<String> usages) {
        if (!r.organizations().equals(List.of(NODES_GROUP))) return Optional.of("subject organization is not system:nodes");
        if (r.dnsNames().isEmpty() && r.ipAddresses().isEmpty()) return Optional.of("DNS or IP subjectAltName is required");
        if (!r.emailAddresses().isEmpty()) return Optional.of("Email subjectAltNames are not allowed");
        if (!r.uris().isEmpty()) return Optional.of("URI subjectAltNames are not allowed");
        if (!usages.equals(Set.of("digital signature", "key encipherment", "server auth"))
            && !usages.equals(Set.of("digital signature", "server auth")))
            return Optional.of("usages did not match [digital signature key encipherment server auth]");
        if (!r.commonName().startsWith(NODE_PREFIX)) return Optional.of("subject common name does not begin with system:node:");
        return Optional.empty();
    }
}
