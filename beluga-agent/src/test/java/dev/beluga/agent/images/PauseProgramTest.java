package dev.beluga.agent.images;

import dev.beluga.cri.ContainerdProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Compiles pause.c with the host's gcc (skipped without gcc) and checks how the program reacts to signals. */
class PauseProgramTest {
    @TempDir
    Path dir;
    private Path pause;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void compile() throws Exception {
        assumeTrue(ContainerdProcess.findOnPath("gcc").isPresent(), "needs gcc (Debian packages gcc, libc6-dev)");
        pause = dir.resolve("pause");
        Files.write(pause, PauseCompiler.locate().compile());
        Files.setPosixFilePermissions(pause, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void killWhatWasStarted() throws Exception {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void compilingTwiceGivesTheSameBinary() throws Exception {
        assertThat(PauseCompiler.locate().compile()).isEqualTo(Files.readAllBytes(pause));
    }

    @Test
    void sleepsUntilSigtermThenExitsZero() throws Exception {
        assertExitsZeroOn("TERM");
    }

    @Test
    void exitsZeroOnSigint() throws Exception {
        assertExitsZeroOn("INT");
    }

    @Test
    void otherHandledSignalsDoNotEndIt() throws Exception {
        Process p = start();
        signal(p, "CHLD");
        assertThat(p.waitFor(300, TimeUnit.MILLISECONDS)).as("still sleeping after SIGCHLD").isFalse();
        signal(p, "TERM");
        assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    private void assertExitsZeroOn(String signal) throws Exception {
        Process p = start();
        assertThat(p.waitFor(300, TimeUnit.MILLISECONDS)).as("pause keeps running").isFalse();
        signal(p, signal);
        assertThat(p.waitFor(5, TimeUnit.SECONDS)).as("exits after SIG" + signal).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    private Process start() throws Exception {
        Process p = new ProcessBuilder(pause.toString()).redirectErrorStream(true).start();
        started.add(p);
        return p;
    }

    private static void signal(Process p, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + signal).isTrue();
    }
}
