package dev.beluga.agent.server;

import dev.beluga.agent.logs.CriLogReader;
import dev.beluga.agent.logs.LogFileUnavailableException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /containerLogs/{namespace}/{pod}/{container}}: a container's log as plain text, streamed, in the
 * kubelet's order of checks and with its answers:
 *
 * <ol>
 *   <li>query ({@link ContainerLogQuery}): 400 {@code {"message": "Unable to decode query."}} or 422
 *       {@code {"message": "Invalid request."}};</li>
 *   <li>{@link ContainerLogLocator}: 404 {@code pod "<pod>" does not exist}, 404
 *       {@code container "<c>" not found in pod "<pod>"}, or 400 with the locator's message;</li>
 *   <li>200 and the log ({@link CriLogReader}), flushed whenever the reader reaches the end of the file. A log file
 *       that cannot be opened is reported in the 200 body, as upstream does (its status is already sent then).</li>
 * </ol>
 * A follow ends when the container has stopped and its file is exhausted, or when the client goes away
 * ({@link ClientDisconnect}); the file is closed either way. Thread-safe.
 */
final class ContainerLogsEndpoint implements KubeletEndpoint {
    private final ContainerLogLocator locator;
    private final Clock clock;
    private final Duration pollInterval;
    private final Duration runningCheckInterval;

    ContainerLogsEndpoint(ContainerLogLocator locator, Clock clock, Duration pollInterval, Duration runningCheckInterval) {
        this.locator = locator;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.runningCheckInterval = runningCheckInterval;
    }

    @Override
    public String name() {
        return "containerLogs";
    }

    @Override
    public void serve(Request request, Response response, List<String> rest) throws Exception {
        if (rest.size() != 3 || rest.stream().anyMatch(String::isEmpty)) throw new KubeletError(404, KubeletHandler.NOT_FOUND);
        if (!request.getMethod().equals("GET")) throw new KubeletError(405, KubeletHandler.METHOD_NOT_ALLOWED);
        String namespace = rest.get(0);
        String pod = rest.get(1);
        String container = rest.get(2);
        ContainerLogQuery query = ContainerLogQuery.parse(queryOf(request), clock);
        LogLocation location = locator.locate(namespace, pod, container, query.previous());
        switch (location) {
            case LogLocation.PodNotFound p -> throw new KubeletError(404, "pod \"" + pod + "\" does not exist");
            case LogLocation.ContainerNotFound c ->
                throw new KubeletError(404, "container \"" + container + "\" not found in pod \"" + pod + "\"");
            case LogLocation.Unavailable u -> throw new KubeletError(400, u.message());
            case LogLocation.Found found -> stream(request, response, found, query);
        }
    }

    private void stream(Request request, Response response, LogLocation.Found found, ContainerLogQuery query) throws Exception {
        if (query.options().follow()) request.addIdleTimeoutListener(timeout -> false); // a quiet container is no failure
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, PlainText.CONTENT_TYPE);
        ClientDisconnect client = new ClientDisconnect(request);
        OutputStream out = Content.Sink.asOutputStream(response);
        try {
            new CriLogReader(found.file(), query.options(), pollInterval, runningCheckInterval)
                .copyTo(out, found.stillRunning(), client::isGone);
        } catch (LogFileUnavailableException e) {
            out.write(e.getMessage().getBytes(StandardCharsets.UTF_8));
        }
        out.close();
    }

    private static Map<String, List<String>> queryOf(Request request) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        Fields fields = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        for (Fields.Field f : fields) m.put(f.getName(), f.getValues());
        return m;
    }
}
