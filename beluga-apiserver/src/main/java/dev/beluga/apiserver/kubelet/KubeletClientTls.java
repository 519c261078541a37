package dev.beluga.apiserver.kubelet;

import dev.beluga.pki.ClusterPki;
import dev.beluga.pki.IssuedCertificate;

import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How the API server connects to kubelets (upstream {@code --kubelet-client-certificate}/{@code --kubelet-client-key}
 * and {@code --kubelet-certificate-authority}): the client certificate it presents, and the CAs a kubelet's serving
 * certificate must chain to (its hostname or IP address is verified as well). Immutable.
 *
 * @param identity  the client certificate and key; null to present none (kubelets then answer 401)
 * @param kubeletCa trusted issuers of kubelet serving certificates; empty for the JDK's default trust store
 */
public record KubeletClientTls(IssuedCertificate identity, List<X509Certificate> kubeletCa) {
    /**
     * The user name (CN) of the client certificate made by {@link #fromPki}, as kubeadm names it. It has no group: what
     * it may do on kubelets comes from the bootstrap binding {@code beluga:kubelet-api-admin} (ClusterRole
     * {@code system:kubelet-api-admin}), and it has no rights on the API server.
     */
    public static final String CLIENT_USER = "kube-apiserver-kubelet-client";

    public KubeletClientTls {
        kubeletCa = List.copyOf(kubeletCa);
    }

    /**
     * No client certificate, trusting the certificates of {@code trusted} (e.g. the API server's client CA store), or
     * the JDK's default trust store when it is null: for an API server configured without kubelet client credentials.
     */
    public static KubeletClientTls withoutIdentity(KeyStore trusted) {
        List<X509Certificate> cas = new ArrayList<>();
        if (trusted != null) {
            try {
                for (String alias : Collections.list(trusted.aliases()))
                    if (trusted.getCertificate(alias) instanceof X509Certificate c) cas.add(c);
            } catch (KeyStoreException e) {
                throw new IllegalArgumentException("cannot read the trusted certificates: " + e.getMessage(), e);
            }
        }
        return new KubeletClientTls(null, cas);
    }

    /**
     * Issues a fresh client certificate ({@value #CLIENT_USER}, no group, valid for
     * {@link ClusterPki#LEAF_VALIDITY}; held in memory only) from the cluster CA, and trusts the cluster CA for
     * kubelets, whose serving certificates it signs.
     */
    public static KubeletClientTls fromPki(ClusterPki pki) {
        IssuedCertificate client = pki.ca().issueClient(CLIENT_USER, List.of(), ClusterPki.LEAF_VALIDITY);
        return new KubeletClientTls(client, List.of(pki.caCertificate()));
    }
}
