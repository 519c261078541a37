package dev.beluga.cli;

import dev.beluga.cli.args.CliRunner;
import dev.beluga.cli.args.CommandInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BelugaCommandTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    /** Runs the program's command line in this JVM, as {@code beluga ARGS} would, capturing what the runner prints. */
    private static Run execute(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Beluga.runner(Beluga.COMMANDS, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String run(String... args) {
        Run r = execute(args);
        assertThat(r.code()).as(r.err()).isZero();
        return r.out();
    }

    @Test
    void helpListsTheSubcommands() {
        assertThat(run("--help")).contains("server", "version", "bench");
        assertThat(run("server", "--help")).contains("--data-dir", "--datastore-endpoint", "--disable-agent");
        assertThat(run("--help")).contains("up", "agent", "images");
        assertThat(run("up", "--help")).contains("--nodes", "--data-dir", "--https-port");
        assertThat(run("agent", "--help")).contains("--server", "--token", "--token-file", "BELUGA_TOKEN", "--kubeconfig",
            "--container-runtime-endpoint", "--node-ip");
        assertThat(run("--help")).contains("token");
        assertThat(run("server", "--help")).contains("--token");
        assertThat(run()).isEqualTo(run("--help"));
    }

    @Test
    void theServerCommandLineBindsItsOptionsAndKeepsTheDefaults() throws Exception {
        ServerCommand server = new ServerCommand();
        CliRunner.bind(server, "--data-dir", "/x", "--https-port=7443", "--disable-agent", "--tls-san", "a", "--tls-san", "b",
            "--api-audiences", "x,y");
        assertThat(server.dataDir).isEqualTo(Path.of("/x"));
        assertThat(server.httpsPort).isEqualTo(7443);
        assertThat(server.disableAgent).isTrue();
        assertThat(server.tlsSans).containsExactly("a", "b");
        assertThat(server.apiAudiences).containsExactly("x", "y");
        assertThat(server.datastoreEndpoint).isEqualTo("embedded");
        assertThat(server.retention).isEqualTo(Duration.ofMinutes(5));
        assertThat(server.kubeletPort).isEqualTo(10250);
        assertThat(server.disableScheduler).isFalse();
        assertThat(run("bench", "api", "--help")).contains("--start-only");
    }

    @Test
    void everySubcommandHasHelpAndTheHiddenOneIsNotListed() {
        for (CommandInfo c : Beluga.COMMANDS) {
            assertThat(run(c.name(), "--help")).as(c.name()).startsWith("Usage: beluga " + c.name());
            assertThat(run("help", c.name())).as(c.name()).isEqualTo(run(c.name(), "--help"));
            for (CommandInfo sub : c.subcommands()) {
                assertThat(run(c.name(), sub.name(), "-h")).startsWith("Usage: beluga " + c.name() + " " + sub.name() + " [OPTIONS]");
            }
        }
        assertThat(run("help", "server")).contains("--data-dir");
        assertThat(run("--help")).doesNotContain("train");
        assertThat(run("--version")).startsWith("Beluga v");
    }

    @Test
    void usageErrorsExitWithTwoAndSayWhatIsWrong() {
        Run typo = execute("sever");
        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err()).contains("Unknown command: 'sever'", "Did you mean: server?");
        Run badPort = execute("server", "--https-port", "x");
        assertThat(badPort.code()).isEqualTo(2);
        assertThat(badPort.err()).contains("Invalid value for option '--https-port': 'x'", "Usage: beluga server");
        Run unknown = execute("token", "--data-dri", "/x");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown option: '--data-dri'");
        Run required = execute("scheduler");
        assertThat(required.code()).isEqualTo(2);
        assertThat(required.err()).contains("Missing required option: '--kubeconfig=FILE'");
        Run noFiles = execute("images", "import");
        assertThat(noFiles.code()).isEqualTo(2);
        assertThat(noFiles.err()).contains("Missing required parameter: 'FILE'");
        Run noSub = execute("images", "nothing");
        assertThat(noSub.code()).isEqualTo(2);
        assertThat(noSub.err()).contains("Unknown command: 'nothing'", "Usage: beluga images");
    }

    @Test
    void imagesImportWithoutARuntimeSaysSo() {
        java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        System.setErr(new java.io.PrintStream(stderr));
        Run r;
        try {
            r = execute("images", "import", "--data-dir", tmp.toString(), tmp.resolve("x.tar").toString());
        } finally {
            System.setErr(old);
        }
        assertThat(r.code()).isEqualTo(2);
        assertThat(stderr.toString()).contains("no container runtime socket at " + tmp.resolve("agent/containerd/containerd.sock"));
    }

    @Test
    void versionIsPrinted() {
        assertThat(BelugaVersion.lines().getFirst()).startsWith("Beluga v").doesNotContain("${");
    }

    @Test
    void dataDirIsCreatedAndMarked() throws IOException {
        Path dir = DataDir.prepare(tmp.resolve("new"));
        assertThat(dir.resolve(DataDir.MARK)).exists();
        assertThat(DataDir.prepare(dir)).isEqualTo(dir);
    }

    @Test
    void foreignNonEmptyDataDirIsRefusedAndLeftAlone() throws IOException {
        Path foreign = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(foreign.resolve("thesis.tex"), "precious");
        assertThatThrownBy(() -> DataDir.prepare(foreign)).isInstanceOf(IOException.class)
            .hasMessageContaining("not a Beluga data directory").hasMessageContaining("thesis.tex");
        assertThat(foreign.resolve(DataDir.MARK)).doesNotExist();
        assertThat(Files.readString(foreign.resolve("thesis.tex"))).isEqualTo("precious");
    }
}
