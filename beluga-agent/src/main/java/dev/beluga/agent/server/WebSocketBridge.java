package dev.beluga.agent.server;

import dev.beluga.http.ResponseHead;
import dev.beluga.http.WebSocket;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Serves a WebSocket client over a SPDY/3.1 session with the runtime's stream server, for the WebSocket protocols the
 * runtime does not speak itself (containerd's stream server refuses {@code v5.channel.k8s.io} and the SPDY tunnel of
 * port-forward). {@link StreamProxy#translate} does the HTTP part: it asks the runtime for
 * {@link #runtimeProtocols()}, relays its refusals, calls {@link #open} after its 101, answers the client's
 * handshake with the session's subprotocol and hands the session both connections.
 */
interface WebSocketBridge {
    /** The {@code X-Stream-Protocol-Version}s to offer the runtime, in order of preference. */
    List<String> runtimeProtocols();

    /**
     * Prepares the session after the runtime's 101 (before the client's): e.g. opens the SPDY streams and waits for
     * their replies.
     *
     * @param head        the runtime's 101
     * @param runtime     the connection to the runtime; the session owns it from now on, also when this throws
     * @param fromRuntime its input, buffered (it may already hold SPDY frames)
     * @throws KubeletError the client is refused (nothing was written to it)
     */
    Session open(ResponseHead head, StreamDialer.Link runtime, InputStream fromRuntime) throws IOException;

    /** A prepared session. */
    interface Session {
        /** The subprotocol that answers the client ({@code Sec-WebSocket-Protocol}), or null for none. */
        String subprotocol();

        /**
         * Runs the session once the client's connection is open, on the calling thread or others; everything is
         * closed when it ends.
         *
         * @param client           the client's end, after its 101
         * @param clientConnection closes the client's connection
         */
        void run(WebSocket client, Closeable clientConnection);

        /** The client's connection never opened: releases everything. Idempotent. */
        void abort();
    }
}
