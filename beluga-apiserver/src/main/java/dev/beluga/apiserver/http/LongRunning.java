package dev.beluga.apiserver.http;

import org.eclipse.jetty.server.Request;

/**
 * Recognises requests that may stay open for a long time — watches ({@code ?watch=true}, the legacy
 * {@code /watch/} paths), followed logs ({@code ?follow=true}) and the connect subresources {@code pods/exec},
 * {@code pods/attach}, {@code pods/portforward} (whose handlers wait for the kubelet) — from the URI alone, before
 * any routing, in the spirit of upstream's {@code longRunningRequestCheck}. Stateless; thread-safe.
 */
final class LongRunning {
    private LongRunning() {
    }

    static boolean is(Request request) {
        String path = request.getHttpURI().getPath();
        if (path != null && (path.contains("/watch/") || path.endsWith("/watch"))) return true;
        if (path != null && path.contains("/pods/") && (path.endsWith("/exec") || path.endsWith("/attach") || path.endsWith("/portforward")))
            return true;
        String query = request.getHttpURI().getQuery();
        if (query == null) return false;
        for (String param : query.split("&")) {
            if (param.equals("watch=true") || param.equals("watch=1") || param.equals("watch")
                || param.equals("follow=true") || param.equals("follow=1")) return true;
        }
        return false;
    }
}
