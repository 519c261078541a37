package dev.beluga.cli.bench;

import dev.beluga.pki.TlsTrust;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FanOutServerTest {
    private static final long LINGER = 5_000_000;

    @Test
    void everyConnectionGetsEveryLineInOrderThenTheBodysEnd() throws Exception {
        SSLContext client = TlsTrust.acceptingAnyServer(null);
        try (FanOutServer server = new FanOutServer(3, LINGER)) {
            server.publish(line("one")); // before anyone connects: still sent
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            int app = TlsWatchStream.applicationBufferSize(client);
            List<List<String>> seen = List.of(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
            List<CompletableFuture<WatchReaders.End>> ends = List.of(new CompletableFuture<>(), new CompletableFuture<>());
            try (WatchReaders readers = new WatchReaders(1, app)) {
                for (int i = 0; i < 2; i++) {
                    List<String> mine = seen.get(i);
                    TlsWatchStream s = TlsWatchStream.open(client, address, "/floor?watch=true",
                        (text, from, to) -> mine.add(text.substring(from, to)), ByteBuffer.allocate(app));
                    readers.add(s, ends.get(i)::complete);
                }
                server.publish(line("two"));
                server.publish(line("three"));
                for (int i = 0; i < 2; i++) {
                    // the server ends each body after the last line (its zero-size chunk), the watcher did not stop it
                    assertEquals(WatchReaders.End.ENDED_BY_SERVER, ends.get(i).get(10, TimeUnit.SECONDS));
                    assertEquals(List.of("one", "two", "three"), seen.get(i));
                }
            }
        }
    }

    @Test
    void publishingBeyondTheCapacityIsRefused() throws Exception {
        try (FanOutServer server = new FanOutServer(1, LINGER)) {
            server.publish(line("only"));
            assertThrows(IllegalStateException.class, () -> server.publish(line("more")));
        }
    }

    private static byte[] line(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
