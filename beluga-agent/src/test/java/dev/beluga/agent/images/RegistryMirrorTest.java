package dev.beluga.agent.images;

import dev.beluga.agent.testing.NodeTestEnv;
import dev.beluga.cri.ContainerdConfig;
import dev.beluga.cri.ContainerdProcess;
import dev.beluga.cri.CriClient;
import dev.beluga.cri.v1.AuthConfig;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Registry mirrors configured like k3s's registries.yaml, end to end: an image the project builds (busybox) is pushed
 * to Debian's docker-registry on loopback; then a second registry process serving the same storage and a containerd
 * of the test's own run in a network namespace the test creates with nothing but loopback, and containerd pulls names
 * of other registries through the mirror (default endpoints disabled). Whatever containerd might try beyond the
 * mirror cannot leave that namespace.
 */
class RegistryMirrorTest {

    @Test
    void pullsThroughMirrorsFromRegistriesYaml() throws Exception {
        NodeTestEnv.assumeNodeCapable();
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/docker-registry")), "needs docker-registry (scripts/install-deps)");
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "beluga-mirror-");
        Process registry = null;
        ContainerdProcess containerd = null;
        Path netns = null;
        try {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path config = dir.resolve("registry.yml");
            Files.writeString(config, """
                version: 0.1
                storage:
                  filesystem: {rootdirectory: %s}
                http:
                  addr: 127.0.0.1:%d
                """.formatted(dir.resolve("registry-data"), port));
            registry = new ProcessBuilder("/usr/bin/docker-registry", "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile()).start();
            URI url = URI.create("http://127.0.0.1:" + port);
            awaitRegistry(url);

            BuiltImage busybox = new BuiltinImages(dir.resolve("images")).busybox();
            String digest = new RegistryPush(url).push(busybox.archive(), "example/tools", "1");
            assertThat(digest).isEqualTo(busybox.manifestDigest());
            registry.destroy();
            registry.waitFor(10, TimeUnit.SECONDS);

            // the node: a namespace with only loopback, the same registry storage served there, containerd there
            netns = Files.createFile(dir.resolve("netns"));
            run("unshare", "--net=" + netns, "true");
            run("nsenter", "--net=" + netns, "ip", "link", "set", "lo", "up");
            registry = new ProcessBuilder("nsenter", "--net=" + netns, "/usr/bin/docker-registry", "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("registry.log").toFile())).start();
            for (int i = 0; ; i++) {
                Process probe = new ProcessBuilder("nsenter", "--net=" + netns, "curl", "-sf", "-o", "/dev/null", url + "/v2/").start();
                if (probe.waitFor(5, TimeUnit.SECONDS) && probe.exitValue() == 0) break;
                assertThat(i).as("the registry answers inside the namespace").isLessThan(100);
                Thread.sleep(100);
            }

            Path yaml = dir.resolve("registries.yaml");
            Files.writeString(yaml, """
                mirrors:
                  registry.beluga.test:
                    endpoint: ["http://127.0.0.1:%d"]
                  "*":
                    endpoint: ["http://127.0.0.1:%d"]
                configs:
                  "127.0.0.1:%d":
                    tls: {insecure_skip_verify: true}
                """.formatted(port, port, port));
            ContainerdConfig cc = ContainerdConfig.builder(dir.resolve("node")).sandboxImage(BuiltinImages.PAUSE_IMAGE).build();
            RegistryHosts.write(cc.registryConfigPath(), RegistriesConfig.load(yaml), Optional.empty(), true);
            assertThat(Files.readString(cc.registryConfigPath().resolve("registry.beluga.test/hosts.toml")))
                .startsWith("server = \"http://127.0.0.1:" + port + "\"").doesNotContain("https://registry.beluga.test");
            containerd = ContainerdProcess.builder(cc).netns(netns).start();
            try (CriClient cri = containerd.newClient()) {
                String ref = cri.pullImage("registry.beluga.test/example/tools:1", AuthConfig.getDefaultInstance(), null);
                assertThat(ref).isEqualTo(busybox.imageId());
                // any other registry through the "*" mirror (containerd's _default host config)
                assertThat(cri.pullImage("elsewhere.beluga.test/example/tools:1", AuthConfig.getDefaultInstance(), null))
                    .isEqualTo(busybox.imageId());
                assertThat(cri.imageStatus("registry.beluga.test/example/tools:1")).isPresent();
            }
        } finally {
            if (containerd != null) containerd.close();
            if (registry != null) {
                registry.destroy();
                if (!registry.waitFor(10, TimeUnit.SECONDS)) registry.destroyForcibly();
            }
            if (netns != null) {
                try {
                    run("umount", netns.toString());
                } catch (Exception e) {
                    System.err.println("unmounting " + netns + ": " + e.getMessage());
                }
            }
            if (System.getenv("BELUGA_KEEP_TEST_DIR") == null) NodeTestEnv.deleteTree(dir);
        }
    }

    @Test
    void hostsTomlListsMirrorsWithTheirTlsAndAuthBeforeTheRegistry() {
        RegistriesConfig c = new RegistriesConfig(
            java.util.Map.of("docker.io", new RegistriesConfig.Mirror(java.util.List.of("https://mirror.example:5000"))),
            java.util.Map.of("mirror.example:5000", new RegistriesConfig.HostConfig(new RegistriesConfig.Auth("u", "p", null),
                new RegistriesConfig.Tls("/ca.pem", null, null, false))));
        String toml = RegistryHosts.toml("docker.io", java.util.List.of("http://127.0.0.1:9", "https://mirror.example:5000"), c, false);
        assertThat(toml).isEqualTo("""
            server = "https://registry-1.docker.io"

            [host."http://127.0.0.1:9"]
              capabilities = ["pull", "resolve"]

            [host."https://mirror.example:5000"]
              capabilities = ["pull", "resolve"]
              ca = "/ca.pem"
              [host."https://mirror.example:5000".header]
                Authorization = "Basic dTpw"
            """);
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) throw new AssertionError(String.join(" ", cmd) + ": " + out);
    }

    static void awaitRegistry(URI url) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 100; i++) {
            try {
                if (http.send(HttpRequest.newBuilder(url.resolve("/v2/")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("docker-registry did not answer on " + url);
    }
}
