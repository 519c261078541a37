package dev.beluga.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.registry.FieldErrors;
import dev.beluga.apiserver.registry.Strategy;
import dev.beluga.apiserver.table.TableColumns;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Pods: defaulting and validation of the spec, graceful deletion, the fields kubectl and the kubelet select on. */
final class PodStrategy implements Strategy {
    private static final Set<String> FIELDS = Set.of("spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
        "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName");

    @Override
    public void prepareForCreate(ObjectNode pod) {
        PodSpecs.defaultPodSpec(Json.with(pod, "spec"));
        requestsFromLimits(Json.with(pod, "spec"));
        addDefaultTolerations(Json.with(pod, "spec"));
        ObjectNode status = Json.object();
        status.put("phase", "Pending");
        status.put("qosClass", PodSpecs.qosClass(pod.path("spec")));
        pod.set("status", status);
    }

    /**
     * As upstream's pod defaulting: a container (or init container) that limits a resource without requesting it
     * requests its limit. Pods only, not pod templates, as upstream.
     */
    static void requestsFromLimits(ObjectNode spec) {
        for (String list : new String[] {"containers", "initContainers"}) {
            for (JsonNode c : spec.path(list)) {
                if (!(c.path("resources").get("limits") instanceof ObjectNode limits) || limits.isEmpty()) continue;
                ObjectNode requests = Json.with((ObjectNode) c.get("resources"), "requests");
                limits.fields().forEachRemaining(e -> {
                    if (!requests.has(e.getKey())) requests.set(e.getKey(), e.getValue().deepCopy());
                });
            }
        }
    }

    /** As the DefaultTolerationSeconds admission plugin: tolerate not-ready and unreachable for 300 s. */
    private static void addDefaultTolerations(ObjectNode spec) {
        ArrayNode tol = spec.get("tolerations") instanceof ArrayNode a ? a : spec.putArray("tolerations");
        for (String key : new String[] {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"}) {
            boolean present = false;
            for (JsonNode t : tol)
                if (key.equals(t.path("key").asText()) && (t.path("effect").asText("").isEmpty() || "NoExecute".equals(t.path("effect").asText())))
                    present = true;
            if (!present) tol.addObject().put("key", key).put("operator", "Exists").put("effect", "NoExecute").put("tolerationSeconds", 300);
        }
    }

    @Override
    public void validate(ObjectNode pod, FieldErrors errors) {
        PodSpecs.validatePodSpec(pod.path("spec"), "spec", errors);
    }

    @Override
    public void validateUpdate(ObjectNode pod, ObjectNode old, FieldErrors errors) {
        // the spec of a pod is immutable except images, activeDeadlineSeconds, tolerations additions, scheduling gates
        ObjectNode a = ((ObjectNode) pod.path("spec")).deepCopy();
        ObjectNode b = ((ObjectNode) old.path("spec")).deepCopy();
        for (ObjectNode s : new ObjectNode[] {a, b}) {
            for (String list : new String[] {"containers", "initContainers"})
                for (JsonNode c : s.path(list)) ((ObjectNode) c).remove("image");
            s.remove("activeDeadlineSeconds");
            s.remove("tolerations");
            s.remove("schedulingGates");
        }
        String oldNode = old.path("spec").path("nodeName").asText("");
        if (oldNode.isEmpty()) {
            a.remove("nodeName");
            b.remove("nodeName");
        }
        if (!a.equals(b))
            errors.forbidden("spec", "pod updates may not change fields other than `spec.containers[*].image`,"
                + "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),"
                + "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)");
    }

    @Override
    public boolean tracksGeneration() {
        return true;
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode pod) {
        Map<String, String> m = new HashMap<>();
        m.put("spec.nodeName", pod.path("spec").path("nodeName").asText(""));
        m.put("spec.restartPolicy", pod.path("spec").path("restartPolicy").asText(""));
        m.put("spec.schedulerName", pod.path("spec").path("schedulerName").asText(""));
        m.put("spec.serviceAccountName", pod.path("spec").path("serviceAccountName").asText(""));
        m.put("spec.hostNetwork", Boolean.toString(pod.path("spec").path("hostNetwork").asBoolean(false)));
        m.put("status.phase", pod.path("status").path("phase").asText(""));
        m.put("status.podIP", pod.path("status").path("podIP").asText(""));
        m.put("status.nominatedNodeName", pod.path("status").path("nominatedNodeName").asText(""));
        return m;
    }

    @Override
    public Set<String> selectableFieldNames() {
        return FIELDS;
    }

    @Override
    public Long gracePeriod(ObjectNode pod, Long requested) {
        String phase = pod.path("status").path("phase").asText("");
        if (pod.path("spec").path("nodeName").asText("").isEmpty() || phase.equals("Succeeded") || phase.equals("Failed"))
            return null;
        if (requested != null) return Math.max(0, requested);
        return pod.path("spec").path("terminationGracePeriodSeconds").asLong(30);
    }

    @Override
    public TableColumns table() {
        return TableColumns.builder()
            .column("Ready", "The aggregate readiness state of this pod for accepting traffic.", PodStrategy::ready)
            .column("Status", "The aggregate status of the containers in this pod.", PodStrategy::status)
            .column("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.", PodStrategy::restarts)
            .age()
            .wide("IP", "IP address assigned to the pod", p -> Cells.orNone(Cells.text(p, "status", "podIP")))
            .wide("Node", "Name of the node assigned to the pod", p -> Cells.orNone(Cells.text(p, "spec", "nodeName")))
            .wide("Nominated Node", "Name of the node nominated for the pod", p -> Cells.orNone(Cells.text(p, "status", "nominatedNodeName")))
            .wide("Readiness Gates", "Readiness gates of the pod", p -> Cells.count(p.path("spec").path("readinessGates")) == 0 ? "<none>"
                : Cells.count(p.path("spec").path("readinessGates")) + "")
            .build();
    }

    private static Object ready(ObjectNode p) {
        int total = p.path("spec").path("containers").size();
        int ready = 0;
        for (JsonNode cs : p.path("status").path("containerStatuses")) if (cs.path("ready").asBoolean()) ready++;
        return ready + "/" + total;
    }

    private static Object restarts(ObjectNode p) {
        long n = 0;
        for (JsonNode cs : p.path("status").path("containerStatuses")) n += cs.path("restartCount").asLong();
        return Long.toString(n);
    }

    /** The STATUS column, computed as kubectl's printer does (reason, waiting/terminated reasons, Terminating). */
    static String status(ObjectNode p) {
        String reason = p.path("status").path("phase").asText("Pending");
        if (p.path("status").hasNonNull("reason")) reason = p.path("status").path("reason").asText();
        int initCount = p.path("spec").path("initContainers").size();
        int i = 0;
        boolean initializing = false;
        for (JsonNode cs : p.path("status").path("initContainerStatuses")) {
            JsonNode term = cs.path("state").path("terminated");
            JsonNode wait = cs.path("state").path("waiting");
            if (!term.isMissingNode() && term.path("exitCode").asInt() == 0) {
                i++;
                continue;
            }
            if (!term.isMissingNode()) reason = "Init:" + term.path("reason").asText("Error");
            else if (!wait.isMissingNode() && !wait.path("reason").asText("").isEmpty() && !wait.path("reason").asText().equals("PodInitializing"))
                reason = "Init:" + wait.path("reason").asText();
            else reason = "Init:" + i + "/" + initCount;
            initializing = true;
            break;
        }
        if (!initializing) {
            boolean hasRunning = false;
            for (JsonNode cs : p.path("status").path("containerStatuses")) {
                JsonNode wait = cs.path("state").path("waiting");
                JsonNode term = cs.path("state").path("terminated");
                if (!wait.isMissingNode() && !wait.path("reason").asText("").isEmpty()) reason = wait.path("reason").asText();
                else if (!term.isMissingNode()) {
                    if (!term.path("reason").asText("").isEmpty()) reason = term.path("reason").asText();
                    else if (term.has("signal")) reason = "Signal:" + term.path("signal").asInt();
                    else reason = "ExitCode:" + term.path("exitCode").asInt();
                } else if (cs.path("ready").asBoolean() && cs.path("state").has("running")) hasRunning = true;
            }
            if (reason.equals("Completed") && hasRunning) reason = "Running";
        }
        if (p.path("metadata").hasNonNull("deletionTimestamp")) {
            reason = "NodeLost".equals(p.path("status").path("reason").asText()) ? "Unknown" : "Terminating";
        }
        return reason;
    }
}
