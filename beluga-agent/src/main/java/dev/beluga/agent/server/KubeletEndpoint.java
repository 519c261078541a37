package dev.beluga.agent.server;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

import java.util.List;

/**
 * One family of kubelet API paths, {@code /<name>/...}: {@code containerLogs} now; {@code exec}, {@code attach},
 * {@code portForward} and {@code run} are to come and plug in the same way.
 *
 * <p>Called on a virtual thread of its own, after the client has been authenticated; it may block for as long as
 * the exchange lasts. It must write a complete response (or throw {@link KubeletError} before writing anything, or
 * an exception once the client is gone); it need not complete Jetty's callback, which {@link KubeletHandler} does
 * when it returns.
 */
interface KubeletEndpoint {
    /** The first path segment it serves, e.g. {@code containerLogs}. */
    String name();

    /**
     * Serves a request.
     *
     * @param rest     the decoded path segments after the name
     * @param response to write to; {@link PlainText} has the common answers
     */
    void serve(Request request, Response response, List<String> rest) throws Exception;
}
