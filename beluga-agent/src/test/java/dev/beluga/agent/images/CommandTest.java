package dev.beluga.agent.images;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandTest {
    @Test
    void capturesBothStreamsAndTheExitCode() throws Exception {
        Command.Result r = Command.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), null, Duration.ofSeconds(10));
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.succeeded()).isFalse();
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).isEqualTo("err\n");
        assertThat(r.describe()).isEqualTo("'sh -c echo out; echo err >&2; exit 3' exited with 3: err");
    }

    @Test
    void aProgramPastItsDeadlineIsKilled() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> Command.run(List.of("sh", "-c", "echo started >&2; exec sleep 30"), null,
                Duration.ofMillis(300)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("did not finish within PT0.3S and was killed")
                .hasMessageContaining("stderr: started");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void largeOutputDoesNotBlockTheProgram() throws Exception {
        // 4 MiB: far beyond a pipe's buffer; the readers drain it while waiting, and keep the first MiB
        Command.Result r = Command.run(List.of("sh", "-c", "yes 0123456789abcdef | head -c 4194304"), null,
                Duration.ofSeconds(30));
        assertThat(r.succeeded()).isTrue();
        assertThat(r.stdout()).hasSize(Command.MAX_OUTPUT_BYTES).startsWith("0123456789abcdef\n");
    }
}
