package dev.beluga.agent.stats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.agent.stats.Summary.ContainerStats;
import dev.beluga.agent.stats.Summary.CpuStats;
import dev.beluga.agent.stats.Summary.MemoryStats;
import dev.beluga.agent.stats.Summary.PodStats;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A {@link Summary} as the kubelet's {@code GET /stats/summary} answers it: upstream's {@code v1alpha1.Summary} JSON
 * ({@code node} with {@code nodeName}, {@code startTime}, {@code cpu}, {@code memory}; {@code pods} with
 * {@code podRef}, {@code startTime}, {@code containers}, {@code cpu}, {@code memory}). Times are {@code metav1.Time}:
 * RFC 3339 in UTC at second precision; unknown figures are left out, as Go's {@code omitempty} pointers are.
 */
public final class SummaryJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SummaryJson() {
    }

    /** The JSON document. */
    public static ObjectNode toJson(Summary summary) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode node = root.putObject("node");
        node.put("nodeName", summary.node().nodeName());
        node.put("startTime", time(summary.node().startTime()));
        cpu(node, summary.node().cpu());
        memory(node, summary.node().memory());
        var pods = root.putArray("pods");
        for (PodStats p : summary.pods()) {
            ObjectNode pod = pods.addObject();
            pod.putObject("podRef").put("name", p.podRef().name()).put("namespace", p.podRef().namespace())
                .put("uid", p.podRef().uid());
            pod.put("startTime", time(p.startTime()));
            var containers = pod.putArray("containers");
            for (ContainerStats c : p.containers()) {
                ObjectNode container = containers.addObject();
                container.put("name", c.name());
                container.put("startTime", time(c.startTime()));
                cpu(container, c.cpu());
                memory(container, c.memory());
            }
            cpu(pod, p.cpu());
            memory(pod, p.memory());
        }
        return root;
    }

    /** The JSON document as bytes. */
    public static byte[] bytes(Summary summary) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson(summary));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void cpu(ObjectNode parent, CpuStats cpu) {
        if (cpu == null) return;
        ObjectNode o = parent.putObject("cpu");
        o.put("time", time(cpu.time()));
        if (cpu.usageNanoCores() != null) o.put("usageNanoCores", cpu.usageNanoCores());
        o.put("usageCoreNanoSeconds", cpu.usageCoreNanoSeconds());
    }

    private static void memory(ObjectNode parent, MemoryStats memory) {
        if (memory == null) return;
        ObjectNode o = parent.putObject("memory");
        o.put("time", time(memory.time()));
        if (memory.availableBytes() != null) o.put("availableBytes", memory.availableBytes());
        if (memory.usageBytes() != null) o.put("usageBytes", memory.usageBytes());
        o.put("workingSetBytes", memory.workingSetBytes());
        if (memory.rssBytes() != null) o.put("rssBytes", memory.rssBytes());
    }

    /** {@code metav1.Time}: RFC 3339, UTC, whole seconds. */
    static String time(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
