package dev.beluga.controllers.certificates;

import dev.beluga.pki.CertificateRequest;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Which requests the approving controller approves on its own. Without RBAC there is no SubjectAccessReview to ask,
 * so the rules are upstream's recognizers with the requester's identity checked directly:
 *
 * <ul>
 *   <li><b>self node client</b> (upstream's {@code selfnodeclient}): signer {@value SignerConstraints#KUBELET_CLIENT},
 *       a valid kubelet client request, asked by a member of {@code system:nodes} whose user name is the request's
 *       CN — a node renewing its own identity;</li>
 *   <li><b>node serving</b> (what k3s does for its agents; upstream leaves these to a human or an external approver):
 *       signer {@value SignerConstraints#KUBELET_SERVING}, a valid kubelet serving request asked by the node itself
 *       ({@code system:node:<name>} in {@code system:nodes}, the request's CN), the Node {@code <name>} exists, and every
 *       DNS name is the node's name or one of its Hostname/InternalDNS/ExternalDNS addresses and every IP one of its
 *       InternalIP/ExternalIP addresses or a loopback address.</li>
 * </ul>
 *
 * Anything else stays pending (for {@code kubectl certificate approve|deny}); nothing is ever denied automatically.
 * Stateless.
 */
public final class ApprovalRules {
    /** An approval to write. */
    public record Approval(String reason, String message) {
    }

    private ApprovalRules() {
    }

    /**
     * The approval of {@code csr}, or empty to leave it pending.
     *
     * @param nodes the Node of a name, if it exists
     */
    public static Optional<Approval> decide(CertificateSigningRequest csr, Function<String, Optional<Node>> nodes) {
        if (Csrs.approved(csr) || Csrs.denied(csr) || csr.getSpec() == null) return Optional.empty();
        CertificateRequest request;
        try {
            request = Csrs.request(csr);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String signer = Csrs.signer(csr);
        if (!signer.equals(SignerConstraints.KUBELET_CLIENT) && !signer.equals(SignerConstraints.KUBELET_SERVING)) return Optional.empty();
        if (SignerConstraints.problem(signer, request, Csrs.usages(csr)).isPresent()) return Optional.empty();
        String user = csr.getSpec().getUsername() == null ? "" : csr.getSpec().getUsername();
        List<String> groups = csr.getSpec().getGroups() == null ? List.of() : csr.getSpec().getGroups();
        if (!user.equals(request.commonName()) || !groups.contains(SignerConstraints.NODES_GROUP)) return Optional.empty();
        if (signer.equals(SignerConstraints.KUBELET_CLIENT))
            return Optional.of(new Approval("AutoApproved", "Auto approving self kubelet client certificate: " + user
                + " in system:nodes renews its own identity."));
        String nodeName = user.substring(SignerConstraints.NODE_PREFIX.length());
        Optional<Node> node = nodes.apply(nodeName);
        if (node.isEmpty() || !ownNames(request, nodeName, node.get())) return Optional.empty();
        return Optional.of(new Approval("AutoApproved", "Auto approving kubelet serving certificate of node " + nodeName
            + " for its own name and addresses."));
    }

    private static boolean ownNames(CertificateRequest request, String nodeName, Node node) {
        Set<String> dns = new HashSet<>();
        dns.add(nodeName.toLowerCase(Locale.ROOT));
        Set<InetAddress> ips = new HashSet<>();
        List<NodeAddress> addresses = node.getStatus() == null || node.getStatus().getAddresses() == null ? List.of()
            : node.getStatus().getAddresses();
        for (NodeAddress a : addresses) {
            switch (a.getType()) {
                case "Hostname", "InternalDNS", "ExternalDNS" -> dns.add(a.getAddress().toLowerCase(Locale.ROOT));
                case "InternalIP", "ExternalIP" -> {
                    InetAddress ip = literal(a.getAddress());
                    if (ip != null) ips.add(ip);
                }
                default -> { }
            }
        }
        for (String d : request.dnsNames()) if (!dns.contains(d.toLowerCase(Locale.ROOT))) return false;
        for (InetAddress ip : request.ipAddresses()) if (!ip.isLoopbackAddress() && !ips.contains(ip)) return false;
        return true;
    }

    /** An IP literal as an address (no name lookups), or null. */
    private static InetAddress literal(String s) {
        if (s == null || !s.matches("[0-9a-fA-F.:]+")) return null;
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }
}
