package dev.beluga.apiserver.http;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;

/**
 * A watch over WebSocket (what fabric8's informers use first): each event is one text message. The stream runs on a
 * virtual thread from open until the watch ends or the client closes; sends block, so a slow client slows only its
 * own watch.
 */
public final class WatchSocket implements Session.Listener.AutoDemanding {
    private static final Logger log = LoggerFactory.getLogger(WatchSocket.class);

    private final WatchStreamer streamer;
    private volatile Thread thread;

    WatchSocket(WatchStreamer streamer) {
        this.streamer = streamer;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        thread = Thread.ofVirtual().name("watch-ws").start(() -> {
            try {
                streamer.stream(new WatchStreamer.FrameSink() {
                    @Override
                    public void frame(byte[] json) throws IOException {
                        if (!session.isOpen()) throw new IOException("closed");
                        Callback.Completable done = new Callback.Completable();
                        session.sendText(new String(json, StandardCharsets.UTF_8), done);
                        try {
                            done.get();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException(e);
                        } catch (ExecutionException e) {
                            throw new IOException(e.getCause());
                        }
                    }

                    @Override
                    public void flush() {
                        // every message is sent on its own
                    }
                });
            } catch (IOException | InterruptedException e) {
                log.debug("websocket watch ended: {}", e.toString());
            } finally {
                if (session.isOpen()) session.close(1000, "watch ended", Callback.NOOP);
            }
        });
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        Thread t = thread;
        if (t != null) t.interrupt();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        Thread t = thread;
        if (t != null) t.interrupt();
    }
}
