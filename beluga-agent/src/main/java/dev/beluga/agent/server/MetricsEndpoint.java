package dev.beluga.agent.server;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /metrics}: the node's metrics in the Prometheus text format (version 0.0.4), from a supplier called per
 * request on the request's thread.
 */
final class MetricsEndpoint implements KubeletEndpoint {
    private final Supplier<String> metrics;

    MetricsEndpoint(Supplier<String> metrics) {
        this.metrics = metrics;
    }

    @Override
    public String name() {
        return "metrics";
    }

    @Override
    public void serve(Request request, Response response, List<String> rest) throws Exception {
        if (!rest.isEmpty() && !(rest.size() == 1 && rest.get(0).isEmpty())) throw new KubeletError(404, KubeletHandler.NOT_FOUND);
        if (!request.getMethod().equals("GET")) throw new KubeletError(405, KubeletHandler.METHOD_NOT_ALLOWED);
        PlainText.send(response, 200, metrics.get(), "text/plain; version=0.0.4; charset=utf-8");
    }
}
