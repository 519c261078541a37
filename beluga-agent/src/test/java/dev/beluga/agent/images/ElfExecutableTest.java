package dev.beluga.agent.images;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ElfExecutableTest {
    @Test
    void theJavaLauncherIsDynamicallyLinked() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java").toRealPath();
        ElfExecutable elf = ElfExecutable.inspect(Files.readAllBytes(java), java.toString());
        assertThat(elf.dynamic()).isTrue();
        assertThat(elf.architecture()).isEqualTo(System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64");
    }

    @Test
    void busyboxStaticIsStatic() throws Exception {
        Path busybox = Path.of("/bin/busybox");
        assumeTrue(Files.isRegularFile(busybox), "needs /bin/busybox (Debian package busybox-static)");
        assertThat(ElfExecutable.inspect(Files.readAllBytes(busybox), "busybox").dynamic()).isFalse();
    }

    @Test
    void notElfIsRejected() {
        assertThatThrownBy(() -> ElfExecutable.inspect("#!/bin/sh\necho hi\n".repeat(10).getBytes(), "script"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("script is not a 64-bit");
        assertThatThrownBy(() -> ElfExecutable.inspect(new byte[3], "tiny")).isInstanceOf(IllegalArgumentException.class);
    }
}
