package dev.beluga.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BelugaCommandTest {
    @TempDir
    Path tmp;

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = Beluga.commandLine(args);
        cl.setOut(new PrintWriter(out));
        int code = cl.execute(args);
        assertThat(code).isZero();
        return out.toString();
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
    }

    @Test
    void onlyTheCalledSubcommandIsBuiltAndItParsesAsBefore() {
        CommandLine cl = Beluga.commandLine("server", "--data-dir", "/x", "--https-port", "7443", "--disable-agent");
        assertThat(cl.getSubcommands().keySet()).containsExactly("server");
        CommandLine.ParseResult parsed = cl.parseArgs("server", "--data-dir", "/x", "--https-port", "7443", "--disable-agent");
        ServerCommand server = (ServerCommand) parsed.subcommand().commandSpec().userObject();
        assertThat(server.dataDir).isEqualTo(Path.of("/x"));
        assertThat(server.httpsPort).isEqualTo(7443);
        assertThat(server.disableAgent).isTrue();
        assertThat(server.datastoreEndpoint).isEqualTo("embedded");
        assertThat(run("bench", "api", "--help")).contains("--start-only");
    }

    @Test
    void everySubcommandIsReachableAloneAndAllAreListedOtherwise() {
        for (String name : Beluga.SUBCOMMANDS.keySet()) {
            if (name.equals("help")) continue;
            CommandLine cl = Beluga.commandLine(name);
            assertThat(cl.getSubcommands().keySet()).as(name).containsExactly(name);
            assertThat(cl.getSubcommands().get(name).getCommandName()).isEqualTo(name);
        }
        assertThat(Beluga.commandLine().getSubcommands().keySet()).containsExactlyElementsOf(Beluga.SUBCOMMANDS.keySet());
        assertThat(Beluga.commandLine("--help").getSubcommands()).hasSameSizeAs(Beluga.SUBCOMMANDS);
        assertThat(Beluga.commandLine("sever").getSubcommands()).hasSameSizeAs(Beluga.SUBCOMMANDS);
        assertThat(run("help", "server")).contains("--data-dir");
        assertThat(run("--help")).doesNotContain("train");
    }

    @Test
    void imagesImportWithoutARuntimeSaysSo() {
        StringWriter err = new StringWriter();
        CommandLine cl = Beluga.commandLine("images");
        cl.setErr(new PrintWriter(err));
        java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        System.setErr(new java.io.PrintStream(stderr));
        int code;
        try {
            code = cl.execute("images", "import", "--data-dir", tmp.toString(), tmp.resolve("x.tar").toString());
        } finally {
            System.setErr(old);
        }
        assertThat(code).isEqualTo(2);
        assertThat(stderr.toString()).contains("no container runtime socket at " + tmp.resolve("agent/containerd/containerd.sock"));
    }

    @Test
    void versionIsPrinted() {
        assertThat(new BelugaVersion().getVersion()[0]).startsWith("Beluga v").doesNotContain("${");
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
