/**
 * The cluster's public-key infrastructure, created at first start the way k3s does.
 *
 * <ul>
 *   <li>{@link dev.beluga.pki.CertificateAuthority}: a self-signed CA that issues serving and client certificates and
 *       signs client certificate requests.</li>
 *   <li>{@link dev.beluga.pki.ClusterPki}: the files of a server ({@code ca.crt/key}, {@code serving.crt/key},
 *       {@code admin.crt/key}) under one directory, created or loaded (and renewed) at start.</li>
 *   <li>{@link dev.beluga.pki.Kubeconfig}: kubeconfig files for kubectl and client libraries.</li>
 *   <li>{@link dev.beluga.pki.X509Identity}: the Kubernetes user and groups a client certificate stands for.</li>
 *   <li>{@link dev.beluga.pki.NodeToken}: node join tokens ({@code K10<sha256 of the CA bundle>::node:<secret>}), and the
 *       server's token file.</li>
 *   <li>{@link dev.beluga.pki.Pem}, {@link dev.beluga.pki.KeyStores}, {@link dev.beluga.pki.CertificateRequests}:
 *       encodings and JSSE key stores.</li>
 * </ul>
 *
 * <p>Only the JDK's default providers are used at run time (Bouncy Castle builds and parses the ASN.1 structures), so
 * every key and certificate works with the JDK's TLS as is.
 */
package dev.beluga.pki;
