package dev.beluga.agent.server;

import dev.beluga.agent.stats.Summary;
import dev.beluga.agent.stats.SummaryJson;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /stats/summary}: the node's and its pods' CPU and memory as upstream's Summary API JSON
 * ({@link SummaryJson}). The query option {@code only_cpu_and_memory} is accepted and changes nothing: the summary
 * holds only those. A summary that cannot be read is 500 {@code Internal Error: failed to get summary stats: ...}.
 * Other paths under {@code /stats} are 404; methods other than GET 405.
 */
final class StatsEndpoint implements KubeletEndpoint {
    private final Supplier<Summary> stats;

    StatsEndpoint(Supplier<Summary> stats) {
        this.stats = stats;
    }

    @Override
    public String name() {
        return "stats";
    }

    @Override
    public void serve(Request request, Response response, List<String> rest) throws Exception {
        if (!(rest.size() == 1 && rest.get(0).equals("summary"))) throw new KubeletError(404, KubeletHandler.NOT_FOUND);
        if (!request.getMethod().equals("GET")) throw new KubeletError(405, KubeletHandler.METHOD_NOT_ALLOWED);
        byte[] body;
        try {
            body = SummaryJson.bytes(stats.get());
        } catch (RuntimeException e) {
            throw new KubeletError(500, "Internal Error: failed to get summary stats: " + e.getMessage());
        }
        PlainText.send(response, 200, body, "application/json");
    }
}
