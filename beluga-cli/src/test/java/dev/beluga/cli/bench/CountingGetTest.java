package dev.beluga.cli.bench;

import dev.beluga.pki.TlsTrust;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLServerSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CountingGetTest {
    private static final byte[] POD = "\"kind\":\"Pod\"".getBytes(StandardCharsets.US_ASCII);
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private SSLServerSocket server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) server.close();
    }

    /** A TLS server answering each request of one kept-alive connection with the next of {@code answers}. */
    private InetSocketAddress serve(List<byte[]> answers) throws Exception {
        SSLServerSocket listener = ReadinessProbe.loopbackTlsServer();
        server = listener; // the thread keeps its own listener: a later serve() must not hand it the next one
        Thread.ofPlatform().daemon().start(() -> {
            while (!listener.isClosed()) {
                try (Socket s = listener.accept()) {
                    connections.incrementAndGet();
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    for (byte[] answer : answers) {
                        String head = ReadinessProbeTest.readHead(in);
                        if (head == null) break;
                        paths.add(head.split(" ")[1]);
                        out.write(answer);
                        out.flush();
                    }
                } catch (IOException e) {
                    // the client went away, or the socket closed at the end of the test
                }
            }
        });
        return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    private static String pods(int n) {
        StringBuilder b = new StringBuilder("{\"kind\":\"PodList\",\"items\":[");
        for (int i = 0; i < n; i++) b.append(i > 0 ? "," : "").append("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p-").append(i).append("\"}}");
        return b.append("]}").toString();
    }

    private static byte[] withLength(String body) {
        return ("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] chunked(String body, int chunk) {
        StringBuilder b = new StringBuilder("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < body.length(); i += chunk) {
            String part = body.substring(i, Math.min(body.length(), i + chunk));
            b.append(Integer.toHexString(part.length())).append(";ext=1\r\n").append(part).append("\r\n");
        }
        return b.append("0\r\n\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void countsPatternsInLengthAndChunkedBodiesOverOneConnection() throws Exception {
        String big = pods(20_000); // larger than the read buffer, so matches straddle reads
        String small = pods(3);
        InetSocketAddress address = serve(List.of(withLength(big), chunked(big, 7_777), withLength(small),
            "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno".getBytes(StandardCharsets.US_ASCII)));
        try (CountingGet get = new CountingGet(TlsTrust.acceptingAnyServer(null).getSocketFactory(), address)) {
            assertThat(get.get("/a", POD)).isEqualTo(new CountingGet.Response(200, big.length(), 20_000));
            assertThat(get.get("/b", POD)).isEqualTo(new CountingGet.Response(200, big.length(), 20_000));
            assertThat(get.get("/c", POD)).isEqualTo(new CountingGet.Response(200, small.length(), 3));
            assertThat(get.get("/d", POD)).isEqualTo(new CountingGet.Response(404, 2, 0));
        }
        assertThat(connections.get()).isEqualTo(1);
        assertThat(paths).containsExactly("/a", "/b", "/c", "/d");
    }

    @Test
    void anAnswerWithoutALengthOrACutBodyFails() throws Exception {
        InetSocketAddress address = serve(List.of("HTTP/1.1 200 OK\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII)));
        try (CountingGet get = new CountingGet(TlsTrust.acceptingAnyServer(null).getSocketFactory(), address)) {
            assertThatThrownBy(() -> get.get("/", POD)).hasMessageContaining("without a length");
        }
        server.close();
        address = serve(List.of("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort".getBytes(StandardCharsets.US_ASCII)));
        try (CountingGet get = new CountingGet(TlsTrust.acceptingAnyServer(null).getSocketFactory(), address)) {
            assertThatThrownBy(() -> get.get("/", POD)).hasMessageContaining("closed");
        }
    }

    @Test
    void thePatternCounterFindsEveryOccurrenceAcrossPieces() {
        byte[] text = "abababa-aab-ababa".getBytes(StandardCharsets.US_ASCII);
        byte[] pattern = "aba".getBytes(StandardCharsets.US_ASCII);
        for (int piece = 1; piece <= text.length; piece++) {
            CountingGet.PatternCounter c = new CountingGet.PatternCounter(pattern);
            List<byte[]> pieces = new ArrayList<>();
            for (int i = 0; i < text.length; i += piece) pieces.add(java.util.Arrays.copyOfRange(text, i, Math.min(text.length, i + piece)));
            for (byte[] p : pieces) c.scan(p, p.length);
            assertThat(c.matches()).as("pieces of %d", piece).isEqualTo(5); // overlapping: 3 in "abababa", 2 in "ababa"
        }
    }
}
