package dev.beluga.apiserver.clients;

import dev.beluga.apiserver.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * @kubernetes/client-node 1.4 (installed by scripts/install-deps into src/test/node) against a started API server:
 * CRUD and an informer (list + chunked watch) that sees adds, updates and deletes.
 */
class ClientNodeInformerTest {
    private static final Path SCRIPT_DIR = Path.of("src/test/node");

    @TempDir
    Path dir;

    @Test
    void informerSeesAddsUpdatesAndDeletes() throws Exception {
        assertThat(SCRIPT_DIR.resolve("node_modules/@kubernetes/client-node")).as("client-node installed (run scripts/install-deps)").exists();
        try (TestServer server = new TestServer(dir)) {
            Process p = new ProcessBuilder("node", "informer.mjs", server.kubeconfig.toString())
                .directory(SCRIPT_DIR.toFile()).redirectErrorStream(true).start();
            boolean finished = p.waitFor(90, TimeUnit.SECONDS);
            if (!finished) p.destroyForcibly();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(finished).as(out).isTrue();
            assertThat(out.lines().toList()).as(out).contains("add one", "add two", "update two=2", "delete one", "DONE");
        }
    }
}
