package dev.beluga.apiserver.kubectl;

import dev.beluga.apiserver.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Base of the tests that drive the real kubectl 1.32 against one API server per test class: the server in a
 * temporary directory, started before the class's tests and closed after them, and {@link #kubectl()} for the admin.
 * Test classes run one after the other, so the static fields are one class's at a time.
 */
abstract class KubectlServerTest {
    static final Path KUBECTL = Path.of("/usr/bin/kubectl");
    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = new TestServer(dir.resolve("server"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) server.close();
        server = null;
    }

    /** kubectl with the admin kubeconfig and a discovery cache of this class; skips the test without kubectl. */
    static Kubectl kubectl() throws Exception {
        assumeTrue(Files.isExecutable(KUBECTL), "kubectl is not installed");
        return new Kubectl(KUBECTL, server.kubeconfig, Files.createDirectories(dir.resolve("cache")));
    }
}
