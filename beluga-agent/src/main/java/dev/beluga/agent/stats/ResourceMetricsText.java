package dev.beluga.agent.stats;

import dev.beluga.agent.stats.Summary.ContainerStats;
import dev.beluga.agent.stats.Summary.PodStats;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A {@link Summary} as the kubelet's {@code GET /metrics/resource} answers it: the Prometheus text format (version
 * 0.0.4) with upstream's stable metric names, help texts and types, and each sample's own timestamp (milliseconds),
 * which metrics-server uses to compute CPU rates:
 *
 * <pre>
 * container_cpu_usage_seconds_total{container,namespace,pod}   counter, core-seconds
 * container_memory_working_set_bytes{container,namespace,pod}  gauge
 * container_start_time_seconds{container,namespace,pod}        gauge, seconds since the epoch (no timestamp)
 * node_cpu_usage_seconds_total                                 counter
 * node_memory_working_set_bytes                                gauge
 * pod_cpu_usage_seconds_total{namespace,pod}                   counter
 * pod_memory_working_set_bytes{namespace,pod}                  gauge
 * resource_scrape_error                                        gauge: 1 when the figures could not be read
 * </pre>
 *
 * Families are sorted by name, series by their label values, labels by name, values in Go's shortest {@code 'g'}
 * rendering ({@code 1.3754368e+07}), as upstream's registry writes them. Unknown figures have no sample.
 */
public final class ResourceMetricsText {
    /** The Content-Type of the answer. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private ResourceMetricsText() {
    }

    private record Series(List<String> labelValues, String value, Instant time) {
    }

    /** The metrics of {@code summary}. */
    public static String format(Summary summary) {
        StringBuilder out = new StringBuilder();
        List<Series> cpu = new ArrayList<>();
        List<Series> memory = new ArrayList<>();
        List<Series> start = new ArrayList<>();
        List<Series> podCpu = new ArrayList<>();
        List<Series> podMemory = new ArrayList<>();
        for (PodStats p : summary.pods()) {
            String ns = p.podRef().namespace();
            String pod = p.podRef().name();
            for (ContainerStats c : p.containers()) {
                List<String> labels = List.of(c.name(), ns, pod);
                if (c.startTime() != null && c.startTime().getEpochSecond() > 0)
                    start.add(new Series(labels, goFloat(c.startTime().getEpochSecond() + c.startTime().getNano() / 1e9), null));
                if (c.cpu() != null) cpu.add(new Series(labels, goFloat(c.cpu().usageCoreNanoSeconds() / 1e9), c.cpu().time()));
                if (c.memory() != null) memory.add(new Series(labels, goFloat(c.memory().workingSetBytes()), c.memory().time()));
            }
            if (p.cpu() != null) podCpu.add(new Series(List.of(ns, pod), goFloat(p.cpu().usageCoreNanoSeconds() / 1e9), p.cpu().time()));
            if (p.memory() != null) podMemory.add(new Series(List.of(ns, pod), goFloat(p.memory().workingSetBytes()), p.memory().time()));
        }
        List<String> containerLabels = List.of("container", "namespace", "pod");
        List<String> podLabels = List.of("namespace", "pod");
        family(out, "container_cpu_usage_seconds_total", "Cumulative cpu time consumed by the container in core-seconds",
            "counter", containerLabels, cpu);
        family(out, "container_memory_working_set_bytes", "Current working set of the container in bytes", "gauge",
            containerLabels, memory);
        family(out, "container_start_time_seconds", "Start time of the container since unix epoch in seconds", "gauge",
            containerLabels, start);
        var node = summary.node();
        family(out, "node_cpu_usage_seconds_total", "Cumulative cpu time consumed by the node in core-seconds", "counter",
            List.of(), node.cpu() == null ? List.of()
                : List.of(new Series(List.of(), goFloat(node.cpu().usageCoreNanoSeconds() / 1e9), node.cpu().time())));
        family(out, "node_memory_working_set_bytes", "Current working set of the node in bytes", "gauge", List.of(),
            node.memory() == null ? List.of()
                : List.of(new Series(List.of(), goFloat(node.memory().workingSetBytes()), node.memory().time())));
        family(out, "pod_cpu_usage_seconds_total", "Cumulative cpu time consumed by the pod in core-seconds", "counter",
            podLabels, podCpu);
        family(out, "pod_memory_working_set_bytes", "Current working set of the pod in bytes", "gauge", podLabels, podMemory);
        scrapeError(out, false);
        return out.toString();
    }

    /** The answer when the figures could not be read: only {@code resource_scrape_error 1}, as upstream. */
    public static String failed() {
        StringBuilder out = new StringBuilder();
        scrapeError(out, true);
        return out.toString();
    }

    private static void scrapeError(StringBuilder out, boolean failed) {
        family(out, "resource_scrape_error", "1 if there was an error while getting container metrics, 0 otherwise",
            "gauge", List.of(), List.of(new Series(List.of(), failed ? "1" : "0", null)));
    }

    private static void family(StringBuilder out, String name, String help, String type, List<String> labelNames,
                               List<Series> series) {
        if (series.isEmpty()) return;
        out.append("# HELP ").append(name).append(" [STABLE] ").append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        List<Series> sorted = new ArrayList<>(series);
        sorted.sort(Comparator.comparing(s -> String.join("\u0000", s.labelValues())));
        for (Series s : sorted) {
            out.append(name);
            if (!labelNames.isEmpty()) {
                out.append('{');
                for (int i = 0; i < labelNames.size(); i++) {
                    if (i > 0) out.append(',');
                    out.append(labelNames.get(i)).append("=\"").append(escape(s.labelValues().get(i))).append('"');
                }
                out.append('}');
            }
            out.append(' ').append(s.value());
            if (s.time() != null) out.append(' ').append(s.time().toEpochMilli());
            out.append('\n');
        }
    }

    /** A label value in the text format: backslash, double quote and line feed escaped. */
    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /**
     * Go's {@code strconv.FormatFloat(v, 'g', -1, 64)}: the shortest decimal that reads back as {@code v}, in
     * exponent form ({@code 1.5e+09}) when the exponent is below -4 or at least 6 (the client library's choice for
     * every sample value).
     */
    static String goFloat(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
        if (v == 0) return "0";
        BigDecimal d = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
        String digits = d.unscaledValue().toString();
        int exp = digits.length() - 1 - d.scale();
        String sign = v < 0 ? "-" : "";
        if (exp < -4 || exp >= 6) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            int abs = Math.abs(exp);
            return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (abs < 10 ? "0" : "") + abs;
        }
        return sign + d.toPlainString();
    }
}
