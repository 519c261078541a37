package dev.beluga.cli;

import dev.beluga.agent.join.NodeCredentials;
import dev.beluga.agent.join.NodeJoin;
import dev.beluga.cli.args.CliCommand;
import dev.beluga.cli.args.CliRunner;
import dev.beluga.cli.args.CommandInfo;
import dev.beluga.pki.NodeToken;
import dev.beluga.pki.X509Identity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The join token from the commands' side, without containers: {@code beluga server} makes and keeps it, {@code beluga
 * token} prints it, a node joins a real {@code beluga server} with it from a directory of its own, and {@code beluga
 * agent} refuses a token of another CA or with a wrong secret before it starts anything.
 */
class JoinCommandsTest {
    @TempDir
    Path dir;

    private ServerCommand.Running server(String... extra) throws Exception {
        ServerCommand cmd = new ServerCommand();
        cmd.disableAgent = true;
        List<String> args = new java.util.ArrayList<>(List.of("--data-dir", dir.resolve("server").toString(), "--https-port", "0",
            "--bind-address", "127.0.0.1", "--disable-scheduler", "--disable-controller-manager"));
        args.addAll(List.of(extra));
        CliRunner.bind(cmd, args.toArray(String[]::new));
        return cmd.start();
    }

    record Run(int code, String out, String err) {
    }

    /** Runs a subcommand in this JVM, capturing what it prints. */
    private static Run run(CliCommand command, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            String[] line = new String[args.length + 1];
            line[0] = "command";
            System.arraycopy(args, 0, line, 1, args.length);
            int code = Beluga.runner(List.of(CommandInfo.command("command", "", () -> command)), System.out, System.err).run(line);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void theServerKeepsItsTokenAndBelugaTokenPrintsIt() throws Exception {
        Path file = dir.resolve("server/server/node-token");
        NodeToken first;
        try (ServerCommand.Running s = server()) {
            first = s.nodeToken();
            assertThat(s.nodeTokenFile()).isEqualTo(file);
            assertThat(NodeToken.parse(Files.readString(file))).isEqualTo(first);
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(first.caHash()).isEqualTo(NodeToken.caHash(Files.readAllBytes(dir.resolve("server/tls/ca.crt"))));
            assertThat(first.user()).isEqualTo("node");
        }
        Run printed = run(new TokenCommand(), "--data-dir", dir.resolve("server").toString());
        assertThat(printed.code()).isZero();
        assertThat(printed.out().strip()).isEqualTo(first.text());
        try (ServerCommand.Running s = server()) {
            assertThat(s.nodeToken()).isEqualTo(first);
        }
        try (ServerCommand.Running s = server("--token", "chosen-secret")) {
            assertThat(s.nodeToken().text()).isEqualTo("K10" + first.caHash() + "::node:chosen-secret");
        }
        assertThat(Files.readString(file).strip()).endsWith("::node:chosen-secret");
    }

    @Test
    void badServerTokensAndMissingTokenFilesAreSaidPlainly() {
        assertThatThrownBy(() -> server("--token", "has space")).isInstanceOf(ServerCommand.StartFailure.class)
            .hasMessageContaining("--token").hasMessageNotContaining("has space");
        assertThatThrownBy(() -> server("--token", "K10" + "0".repeat(64) + "::node:x"))
            .isInstanceOf(ServerCommand.StartFailure.class).hasMessageContaining("another cluster CA");
        Run none = run(new TokenCommand(), "--data-dir", dir.resolve("nothing").toString());
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).contains("no node token").contains("beluga server");
    }

    @Test
    void aNodeJoinsARealServerFromADirectoryOfItsOwn() throws Exception {
        try (ServerCommand.Running s = server()) {
            Path node = dir.resolve("node");
            NodeCredentials creds = NodeJoin.credentials(new NodeJoin.Request("https://127.0.0.1:" + s.api().port(), s.nodeToken(), "n1",
                List.of(InetAddress.getByName("127.0.0.1")), node), Clock.systemUTC());
            assertThat(X509Identity.fromCertificate(creds.client().certificate()).user()).isEqualTo("system:node:n1");
            try (var client = ControlPlaneComponents.client(node.resolve("kubeconfig.yaml"))) {
                // what a node may read under the Node authorizer (namespaces it may not)
                assertThat(client.services().inNamespace("default").withName("kubernetes").get()).isNotNull();
            }
        }
    }

    @Test
    void theAgentTakesItsTokenFromTheOptionTheFileOrTheEnvironment() throws Exception {
        String hash = "ab".repeat(32);
        Path file = Files.writeString(dir.resolve("token"), "K10" + hash + "::node:from-file\n");
        assertThat(AgentCommand.joinToken("K10" + hash + "::node:from-option", null, "K10" + hash + "::node:env").secret())
            .isEqualTo("from-option");
        assertThat(AgentCommand.joinToken(null, file, "K10" + hash + "::node:env").secret()).isEqualTo("from-file");
        assertThat(AgentCommand.joinToken(null, null, "K10" + hash + "::node:env").secret()).isEqualTo("env");
        assertThat(AgentCommand.joinToken(null, null, null)).isNull();
        assertThatThrownBy(() -> AgentCommand.joinToken("x", file, null)).hasMessageContaining("not both");
        assertThatThrownBy(() -> AgentCommand.joinToken("K10" + hash + "::nosecret", null, null))
            .hasMessageStartingWith("--token: ");
        assertThatThrownBy(() -> AgentCommand.joinToken(null, null, "supersecret")).hasMessageStartingWith(AgentCommand.TOKEN_ENV)
            .hasMessageNotContaining("supersecret");
    }

    @Test
    void theAgentRefusesATokenOfAnotherCaOrAWrongSecretBeforeStartingAnything() throws Exception {
        try (ServerCommand.Running s = server()) {
            String url = "https://127.0.0.1:" + s.api().port();
            Path node = dir.resolve("agent");
            String[] common = {"--server", url, "--data-dir", node.toString(), "--node-name", "n2",
                "--container-runtime-endpoint", dir.resolve("no-such.sock").toString()};

            String otherCa = "K10" + "cd".repeat(32) + "::node:" + s.nodeToken().secret();
            Run wrongCa = run(new AgentCommand(), concat(common, "--token", otherCa));
            assertThat(wrongCa.code()).isEqualTo(1);
            assertThat(wrongCa.err()).contains("does not match the token").contains("cd".repeat(32)).contains(s.nodeToken().caHash())
                .doesNotContain(s.nodeToken().secret());
            assertThat(node.resolve("kubeconfig.yaml")).doesNotExist();
            assertThat(node.resolve("tls")).doesNotExist();
            assertThat(node.resolve("node-password")).doesNotExist();

            Run wrongSecret = run(new AgentCommand(), concat(common, "--token", NodeToken.forCa(Files.readAllBytes(dir.resolve("server/tls/ca.crt")),
                "wrong").text()));
            assertThat(wrongSecret.code()).isEqualTo(1);
            assertThat(wrongSecret.err()).contains("401").contains("secret");
            assertThat(node.resolve("kubeconfig.yaml")).doesNotExist();

            Run neither = run(new AgentCommand(), "--data-dir", node.toString());
            assertThat(neither.code()).isEqualTo(2);
            assertThat(neither.err()).contains("--server").contains("--kubeconfig");
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
