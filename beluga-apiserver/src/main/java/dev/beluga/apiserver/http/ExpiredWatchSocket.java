package dev.beluga.apiserver.http;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

import java.nio.charset.StandardCharsets;

/** A WebSocket watch that can only say "410 Expired": sends the one ERROR event, then closes. (Public for Jetty.) */
public final class ExpiredWatchSocket implements Session.Listener.AutoDemanding {
    private final byte[] frame;

    ExpiredWatchSocket(byte[] frame) {
        this.frame = frame;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        session.sendText(new String(frame, StandardCharsets.UTF_8),
            Callback.from(() -> session.close(1000, "expired", Callback.NOOP), t -> session.close()));
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        // the client may close as soon as it has read the event
    }
}
