package dev.beluga.agent.certificates;

import dev.beluga.pki.SubjectAltNames;

import java.util.List;
import java.util.Objects;

/**
 * What a renewed certificate must say, as the CertificateSigningRequest asks for it: subject, subjectAltNames,
 * signer and usages. Immutable.
 *
 * @param what          "client" or "serving", for logs and the request's name
 * @param commonName    the subject's CN, e.g. {@code system:node:<name>}
 * @param organizations the subject's O values, e.g. {@code [system:nodes]}
 * @param names         the subjectAltNames ({@link SubjectAltNames#NONE} for client certificates)
 * @param signerName    e.g. {@code kubernetes.io/kube-apiserver-client-kubelet}
 * @param usages        e.g. {@code [digital signature, client auth]}
 */
public record CertificateTemplate(String what, String commonName, List<String> organizations, SubjectAltNames names,
                                  String signerName, List<String> usages) {
    /** The signer of node client certificates. */
    public static final String KUBELET_CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client-kubelet";
    /** The signer of kubelet serving certificates. */
    public static final String KUBELET_SERVING_SIGNER = "kubernetes.io/kubelet-serving";

    public CertificateTemplate {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(commonName, "commonName");
        organizations = List.copyOf(organizations);
        Objects.requireNonNull(names, "names");
        Objects.requireNonNull(signerName, "signerName");
        usages = List.copyOf(usages);
    }

    /** A node's client certificate, as a kubelet asks for it (EC key: no key encipherment). */
    public static CertificateTemplate nodeClient(String nodeName) {
        return new CertificateTemplate("client", "system:node:" + nodeName, List.of("system:nodes"), SubjectAltNames.NONE,
            KUBELET_CLIENT_SIGNER, List.of("digital signature", "client auth"));
    }

    /** A node's kubelet serving certificate for {@code names}. */
    public static CertificateTemplate kubeletServing(String nodeName, SubjectAltNames names) {
        return new CertificateTemplate("serving", "system:node:" + nodeName, List.of("system:nodes"), names,
            KUBELET_SERVING_SIGNER, List.of("digital signature", "server auth"));
    }
}
