package dev.beluga.agent.server;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

import java.util.List;

/**
 * One family of kubelet API paths, {@code /<name>/...}: {@code containerLogs}, {@code exec}, {@code attach},
 * {@code portForward}; {@code run} is to come and plugs in the same way.
 *
 * <p>Called on a virtual thread of its own, after the client has been authenticated; it may block for as long as
 * the exchange lasts. It must write a complete response (or throw {@link KubeletError} before writing anything, or
 * an exception once the client is gone); it need not complete Jetty's callback, which {@link KubeletHandler} does
 * when it returns. An endpoint that answers {@code 101} and sets an upgrade connection on the request hands the
 * connection over that way: Jetty installs it when the callback completes.
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
