package dev.beluga.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Request;

import java.util.Locale;

/** Recognizes requests that ask for a protocol upgrade. Stateless; thread-safe. */
public final class UpgradeRequests {
    private UpgradeRequests() {}

    /** Whether the request asks for a protocol upgrade (Go's {@code httpstream.IsUpgradeRequest}) over HTTP/1.1. */
    public static boolean isUpgrade(Request request) {
        if (request.getConnectionMetaData().getHttpVersion() != HttpVersion.HTTP_1_1) return false;
        for (String v : request.getHeaders().getValuesList(HttpHeader.CONNECTION))
            if (v.toLowerCase(Locale.ROOT).contains("upgrade")) return true;
        return false;
    }
}
