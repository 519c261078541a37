package dev.beluga.agent.testing;

import dev.beluga.agent.server.StreamDialer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Reaches a runtime's stream server inside a test network namespace (where {@link NodeTestEnv} runs containerd, and
 * its {@code 127.0.0.1} is not the test's): each connection is a {@code nsenter --net=<netns> busybox nc 127.0.0.1
 * <port>} child whose standard input and output carry the bytes. nsenter execs nc in place, so the PID held is nc's;
 * {@link Link#close()} ends that process (SIGTERM, then SIGKILL after 2 s) and nothing else. A refused connection is
 * not seen at dial time: nc exits and the link reads an immediate end of stream.
 */
public final class NetnsStreamDialer implements StreamDialer {
    private final Path netns;

    public NetnsStreamDialer(Path netns) {
        this.netns = netns;
    }

    @Override
    public Link dial(String host, int port) throws IOException {
        Process nc = new ProcessBuilder("nsenter", "--net=" + netns, "/bin/busybox", "nc", host, Integer.toString(port))
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        return new Link() {
            @Override
            public InputStream input() {
                return nc.getInputStream();
            }

            @Override
            public OutputStream output() {
                return nc.getOutputStream();
            }

            @Override
            public void close() {
                nc.destroy();
                try {
                    if (!nc.waitFor(2, TimeUnit.SECONDS)) nc.destroyForcibly();
                } catch (InterruptedException e) {
                    nc.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        };
    }
}
