package dev.beluga.agent.server;

import dev.beluga.agent.stats.ResourceMetricsText;
import dev.beluga.agent.stats.Summary;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Supplier;

/**
 * The kubelet's Prometheus endpoints (text format version 0.0.4), GET only:
 * <ul>
 *   <li>{@code /metrics}: the node's own metrics (the service proxy's), from a supplier called per request;</li>
 *   <li>{@code /metrics/resource}: CPU and memory of the node, its pods and containers ({@link ResourceMetricsText}),
 *       which metrics-server — and Beluga's API server for {@code metrics.k8s.io} — scrapes. When the figures cannot be
 *       read the answer is still 200, with only {@code resource_scrape_error 1}, as upstream. 404 without a stats
 *       supplier.</li>
 * </ul>
 */
final class MetricsEndpoint implements KubeletEndpoint {
    private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);

    private final Supplier<String> metrics;
    private final Supplier<Summary> stats;

    /** @param stats the node's usage, or null when it is not served */
    MetricsEndpoint(Supplier<String> metrics, Supplier<Summary> stats) {
        this.metrics = metrics;
        this.stats = stats;
    }

    @Override
    public String name() {
        return "metrics";
    }

    @Override
    public void serve(Request request, Response response, List<String> rest) throws Exception {
        String sub = rest.isEmpty() || rest.size() == 1 && rest.get(0).isEmpty() ? "" : String.join("/", rest);
        if (!sub.isEmpty() && !(sub.equals("resource") && stats != null)) throw new KubeletError(404, KubeletHandler.NOT_FOUND);
        if (!request.getMethod().equals("GET")) throw new KubeletError(405, KubeletHandler.METHOD_NOT_ALLOWED);
        String text;
        if (sub.isEmpty()) {
            text = metrics.get();
        } else {
            try {
                text = ResourceMetricsText.format(stats.get());
            } catch (RuntimeException e) {
                log.warn("reading the node's resource usage for /metrics/resource: {}", e.toString());
                text = ResourceMetricsText.failed();
            }
        }
        PlainText.send(response, 200, text, ResourceMetricsText.CONTENT_TYPE);
    }
}
