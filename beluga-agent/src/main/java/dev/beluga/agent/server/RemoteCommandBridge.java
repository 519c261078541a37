package dev.beluga.agent.server;

import dev.beluga.cri.StreamFlags;
import dev.beluga.http.ResponseHead;
import dev.beluga.http.WebSocket;
import dev.beluga.http.WebSocketHandshake;

import org.eclipse.jetty.server.Request;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * exec and attach for WebSocket clients offering {@code v5.channel.k8s.io}, which the runtime's stream server does
 * not speak (containerd answers 403): the kubelet accepts the WebSocket itself and runs the session over SPDY/3.1
 * with the runtime's {@code v4.channel.k8s.io}, as upstream's API server does with its {@code StreamTranslatorHandler}.
 *
 * <p>Negotiation: requests whose offer contains {@code v5.channel.k8s.io} are translated ({@link #protocolFor}); the
 * client's first offered protocol among {@code v5.channel.k8s.io} and {@code v4.channel.k8s.io} is answered. Other
 * WebSocket requests (fabric8's and client-java's {@code v4.channel.k8s.io}, {@code channel.k8s.io}, the
 * {@code base64.} ones) pass through to the runtime, which speaks them.
 *
 * <p>The runtime side, as a SPDY client does it: the streams the query asks for are opened with their
 * {@code streamtype} (error; stdin, stdout, stderr as asked; resize with a tty) and every reply awaited (at most
 * {@link #STREAM_REPLY_TIMEOUT}) before the client gets its 101, so a runtime that fails here is still an HTTP error.
 *
 * <p>The WebSocket side: binary messages {@code [channel][data]}, channel 0 stdin, 1 stdout, 2 stderr, 3 the error
 * stream (the runtime's {@code Status} JSON, relayed as it comes), 4 resize (the client's JSON sizes, relayed). Once
 * open, an empty message on the lowest output channel tells the client the session is established. With v5, the
 * client's {@code [255][channel]} half-closes that stream on the runtime's side (FIN): stdin's end of file, which
 * {@code kubectl cp} into a pod and {@code exec -i} with piped input need. Messages for channels that are not open
 * are dropped. The session finishes once the runtime has ended the error stream and the output streams (or the
 * SPDY session); see {@link WebSocketRelay}.
 */
final class RemoteCommandBridge implements WebSocketBridge {
    static final String V5 = "v5.channel.k8s.io";
    static final String V4 = "v4.channel.k8s.io";
    /** How long the runtime may take to reply to the streams (client-go waits as long). */
    static final Duration STREAM_REPLY_TIMEOUT = Duration.ofSeconds(30);
    static final int STDIN = 0;
    static final int STDOUT = 1;
    static final int STDERR = 2;
    static final int ERROR = 3;
    static final int RESIZE = 4;
    /** v5's signal {@code [255][channel]}: the client is done sending on the channel. */
    static final int CLOSE_SIGNAL = 255;
    private static final int NONE = -1;
    private static final int IGNORED = -2;
    private static final String[] TYPES = {"stdin", "stdout", "stderr", "error", "resize"};

    private final String protocol;
    private final StreamFlags streams;

    /**
     * @param protocol the client's protocol ({@link #V5} or {@link #V4})
     * @param streams  the streams the query asks for
     */
    RemoteCommandBridge(String protocol, StreamFlags streams) {
        this.protocol = protocol;
        this.streams = streams;
    }

    /**
     * The protocol to answer a WebSocket exec or attach with, or null when the request is passed through: not a
     * WebSocket, or {@code v5.channel.k8s.io} not offered.
     */
    static String protocolFor(Request request) {
        if (!WebSocketHandshake.isWebSocket(request)) return null;
        List<String> offered = WebSocketHandshake.offeredProtocols(request);
        if (!offered.contains(V5)) return null;
        return offered.stream().filter(p -> p.equals(V5) || p.equals(V4)).findFirst().orElseThrow();
    }

    @Override
    public List<String> runtimeProtocols() {
        return List.of(V4);
    }

    @Override
    public Session open(ResponseHead head, StreamDialer.Link runtime, InputStream fromRuntime) throws IOException {
        String chosen = head.header("X-Stream-Protocol-Version");
        if (!V4.equals(chosen == null ? null : chosen.trim())) {
            runtime.close();
            throw new KubeletError(500, "the runtime upgraded to protocol \"" + chosen + "\", not " + V4 + "\n");
        }
        Relay relay = new Relay(new SpdySession(fromRuntime, runtime.output(), runtime));
        relay.openStreams();
        return relay;
    }

    private final class Relay extends WebSocketRelay implements SpdySession.Listener {
        private final SpdySession spdy;
        /** The runtime's stream id of each channel, -1 when not open. */
        private final int[] streamOf = {-1, -1, -1, -1, -1};
        private final Map<Integer, Integer> channelOf = new ConcurrentHashMap<>();
        private final Set<Integer> replied = ConcurrentHashMap.newKeySet();
        /** The streams on which the runtime still sends: error, stdout, stderr. */
        private final Set<Integer> outputs = ConcurrentHashMap.newKeySet();
        private final List<Integer> channels = new ArrayList<>(List.of(ERROR));
        private final CountDownLatch replies;
        private volatile boolean runtimeEnded;
        // the client's current message (client reader thread only): its channel, NONE before its first byte
        private int channel = NONE;
        private final boolean[] halfClosed = new boolean[5];
        private final byte[] buffer = new byte[16 * 1024];

        Relay(SpdySession spdy) {
            super(spdy);
            this.spdy = spdy;
            if (streams.stdin()) channels.add(STDIN);
            if (streams.stdout()) channels.add(STDOUT);
            if (streams.stderr() && !streams.tty()) channels.add(STDERR);
            if (streams.tty()) channels.add(RESIZE);
            replies = new CountDownLatch(channels.size());
        }

        /** Opens the streams and waits for the runtime's replies. */
        void openStreams() throws IOException {
            try {
                for (int c : channels) {
                    int id = spdy.open(Map.of("streamtype", TYPES[c]));
                    streamOf[c] = id;
                    channelOf.put(id, c);
                    if (c == ERROR || c == STDOUT || c == STDERR) outputs.add(id);
                }
                spdy.start(this);
                replies.await(STREAM_REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (!allReplied()) throw new IOException("timed out waiting for the runtime's replies");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abort();
                throw new KubeletError(500, "interrupted\n");
            } catch (IOException | RuntimeException e) {
                abort();
                String why = runtimeEnded ? "the runtime ended the session" : e.getMessage();
                throw new KubeletError(500, "error creating streams: " + why + "\n");
            }
        }

        @Override
        public String subprotocol() {
            return protocol;
        }

        @Override
        protected void started(WebSocket ws) throws IOException {
            // an empty message on the lowest output channel: the session is established
            int first = streams.stdout() ? STDOUT : streams.stderr() && !streams.tty() ? STDERR : ERROR;
            ws.sendBinary((byte) first, new byte[0], 0, 0);
        }

        // the runtime's side (the SPDY session's reader thread)

        @Override
        public void replied(int streamId) {
            if (channelOf.containsKey(streamId) && replied.add(streamId)) replies.countDown();
        }

        @Override
        public void data(int streamId, byte[] data, int off, int len) throws IOException {
            Integer c = channelOf.get(streamId);
            if (c == null || !(c == STDOUT || c == STDERR || c == ERROR)) return;
            client().sendBinary((byte) (int) c, data, off, len);
        }

        @Override
        public void streamEnded(int streamId) {
            if (outputs.remove(streamId) && outputs.isEmpty()) finish();
        }

        @Override
        public void sessionEnded(Throwable cause) {
            if (allReplied()) {
                finish();
            } else {
                runtimeEnded = true;
                abort(); // the client has not been answered: openStreams reports it
                while (replies.getCount() > 0) replies.countDown();
            }
        }

        private boolean allReplied() {
            return replied.size() == channels.size();
        }

        // the client's side (its reader thread)

        @Override
        protected void clientFrame(WebSocket ws, WebSocket.Frame frame) throws IOException {
            if (frame.first()) channel = NONE;
            for (int n; (n = ws.read(buffer, 0, buffer.length)) >= 0; ) {
                int off = 0;
                if (channel == NONE && n > 0) {
                    channel = buffer[0] & 0xFF;
                    off = 1;
                }
                if (off >= n) continue;
                if (channel == CLOSE_SIGNAL) { // v5: [255][channel]; v4 has no such message
                    if (protocol.equals(V5)) halfClose(buffer[off] & 0xFF);
                    channel = IGNORED;
                } else if (channel != IGNORED) {
                    forward(channel, buffer, off, n - off);
                }
            }
        }

        private void forward(int c, byte[] data, int off, int len) throws IOException {
            if ((c != STDIN && c != RESIZE) || streamOf[c] <= 0 || halfClosed[c]) return;
            try {
                spdy.send(streamOf[c], data, off, len, false);
            } catch (IOException e) {
                throw new RuntimeSideException(e);
            }
        }

        private void halfClose(int c) throws IOException {
            if ((c != STDIN && c != RESIZE) || streamOf[c] <= 0 || halfClosed[c]) return;
            halfClosed[c] = true;
            try {
                spdy.send(streamOf[c], new byte[0], 0, 0, true);
            } catch (IOException e) {
                throw new RuntimeSideException(e);
            }
        }
    }
}
