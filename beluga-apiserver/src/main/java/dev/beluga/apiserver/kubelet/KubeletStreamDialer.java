package dev.beluga.apiserver.kubelet;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Opens TLS connections to kubelets for upgrade requests (exec, attach, port-forward), which need a raw HTTP/1.1
 * connection that the JDK's HTTP client cannot give: the API server's kubelet client certificate is presented, the
 * kubelet's serving certificate is verified against the kubelet CAs with its host name or IP address, and ALPN
 * offers only {@code http/1.1} (the upgrade does not exist in HTTP/2). Thread-safe.
 */
final class KubeletStreamDialer {
    /** How long connecting and the TLS handshake may take together. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final SSLContext ssl;

    KubeletStreamDialer(KubeletClientTls tls) {
        this.ssl = KubeletClient.sslContext(tls, false);
    }

    /**
     * A handshaken connection to the kubelet at {@code address}, with no read timeout.
     *
     * @throws IOException it could not be reached or its certificate was refused
     */
    SSLSocket dial(KubeletAddress address) throws IOException {
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(address.host(), address.port()), (int) TIMEOUT.toMillis());
            SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket(plain, address.host(), address.port(), true);
            SSLParameters p = socket.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            p.setApplicationProtocols(new String[]{"http/1.1"});
            socket.setSSLParameters(p);
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            socket.startHandshake();
            socket.setSoTimeout(0);
            return socket;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }
}
