package dev.beluga.agent.server;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.concurrent.BlockingQueue;

/**
 * The kubelet API of the streaming tests, one per test ({@code @RegisterExtension}): a {@link KubeletServer} on
 * 127.0.0.1 (HTTPS, {@link TestTls}) with the {@link StandInRuntime}, whose URLs lead to a {@link FakeStreamServer}.
 * Both are started before each test and stopped after it.
 */
final class StreamingKubelet implements BeforeEachCallback, AfterEachCallback {
    final TestTls tls = new TestTls();
    FakeStreamServer runtime;
    StandInRuntime streaming;
    /** The runtime calls, as {@link StandInRuntime#calls}. */
    BlockingQueue<String> calls;
    private KubeletServer server;

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        runtime = new FakeStreamServer();
        streaming = new StandInRuntime(runtime.port());
        calls = streaming.calls;
        server = new KubeletServer(new KubeletServer.Config("127.0.0.1", 0, tls.kubeletTls()),
            (ns, pod, container, previous) -> new LogLocation.PodNotFound(), streaming, StreamDialer.TCP);
        server.start();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            stopServer();
        } finally {
            if (runtime != null) runtime.close();
        }
    }

    int port() {
        return server.port();
    }

    /** A new HTTPS connection with the API server's kind of client certificate. */
    RawHttpsClient connect() throws Exception {
        return new RawHttpsClient(tls.client(tls.ca), server.port());
    }

    /** Stops the kubelet server (the stand-in runtime keeps running). Idempotent. */
    void stopServer() throws Exception {
        KubeletServer s = server;
        server = null;
        if (s != null) s.close();
    }
}
