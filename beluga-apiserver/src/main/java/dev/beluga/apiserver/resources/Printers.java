package dev.beluga.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.table.Durations;
import dev.beluga.apiserver.table.TableColumns;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The {@code kubectl get} columns of each built-in kind, as upstream's printers define them. */
final class Printers {
    private Printers() {
    }

    static final TableColumns DEPLOYMENT = TableColumns.builder()
        .column("Ready", "Number of the pod with ready state", o -> Cells.num(o, "status", "readyReplicas") + "/" + Cells.num(o, "spec", "replicas"))
        .number("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec.", o -> Cells.num(o, "status", "updatedReplicas"))
        .number("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.", o -> Cells.num(o, "status", "availableReplicas"))
        .age()
        .templateColumns(true)
        .build();

    static final TableColumns REPLICA_SET = TableColumns.builder()
        .number("Desired", "Number of desired pods.", o -> Cells.num(o, "spec", "replicas"))
        .number("Current", "Number of actual replicas.", o -> Cells.num(o, "status", "replicas"))
        .number("Ready", "Number of pods ready.", o -> Cells.num(o, "status", "readyReplicas"))
        .age()
        .templateColumns(true)
        .build();

    static final TableColumns STATEFUL_SET = TableColumns.builder()
        .column("Ready", "Number of the pod with ready state", o -> Cells.num(o, "status", "readyReplicas") + "/" + Cells.num(o, "spec", "replicas"))
        .age()
        .templateColumns(false)
        .build();

    static final TableColumns DAEMON_SET = TableColumns.builder()
        .number("Desired", "The total number of nodes that should be running the daemon pod.", o -> Cells.num(o, "status", "desiredNumberScheduled"))
        .number("Current", "The number of nodes that are running at least 1 daemon pod.", o -> Cells.num(o, "status", "currentNumberScheduled"))
        .number("Ready", "The number of nodes that should be running the daemon pod and have one or more running and ready.", o -> Cells.num(o, "status", "numberReady"))
        .number("Up-to-date", "The total number of nodes that are running updated daemon pod", o -> Cells.num(o, "status", "updatedNumberScheduled"))
        .number("Available", "The number of nodes that should be running the daemon pod and have one or more available.", o -> Cells.num(o, "status", "numberAvailable"))
        .column("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node.", o -> Cells.labels(o.path("spec").path("template").path("spec").path("nodeSelector")))
        .age()
        .templateColumns(true)
        .build();

    static final TableColumns REPLICATION_CONTROLLER = TableColumns.builder()
        .number("Desired", "Number of desired pods.", o -> Cells.num(o, "spec", "replicas"))
        .number("Current", "Number of actual replicas.", o -> Cells.num(o, "status", "replicas"))
        .number("Ready", "Number of pods ready.", o -> Cells.num(o, "status", "readyReplicas"))
        .age()
        .templateColumns(false)
        .wide("Selector", "Label selector for pods.", o -> Cells.labels(o.path("spec").path("selector")))
        .build();

    static final TableColumns JOB = TableColumns.builder()
        .column("Status", "Status of the job.", Printers::jobStatus)
        .column("Completions", "The completion status of the job.", o -> Cells.num(o, "status", "succeeded") + "/"
            + (o.path("spec").has("completions") ? Cells.num(o, "spec", "completions") : 1))
        .column("Duration", "Time required to complete the job.", Printers::jobDuration)
        .age()
        .templateColumns(true)
        .build();

    static final TableColumns CRON_JOB = TableColumns.builder()
        .column("Schedule", "The schedule in Cron format.", o -> Cells.text(o, "spec", "schedule"))
        .column("Timezone", "The time zone for the schedule.", o -> Cells.orNone(Cells.text(o, "spec", "timeZone")))
        .column("Suspend", "Whether the cron job is suspended.", o -> o.path("spec").path("suspend").asBoolean(false) ? "True" : "False")
        .number("Active", "Number of currently running jobs.", o -> Cells.count(o.path("status").path("active")))
        .column("Last Schedule", "When the last job was scheduled.", o -> o.path("status").hasNonNull("lastScheduleTime")
            ? Durations.age(o.path("status").path("lastScheduleTime").asText(), Instant.now()) : "<none>")
        .age()
        .build();

    static final TableColumns SERVICE = TableColumns.builder()
        .column("Type", "The type of the service.", o -> o.path("spec").path("type").asText("ClusterIP"))
        .column("Cluster-IP", "The cluster IP of the service.", o -> Cells.orNone(Cells.text(o, "spec", "clusterIP")))
        .column("External-IP", "The external IP of the service.", Printers::externalIp)
        .column("Port(s)", "The ports of the service.", Printers::servicePorts)
        .age()
        .wide("Selector", "The label selector of the service.", o -> Cells.labels(o.path("spec").path("selector")))
        .build();

    static final TableColumns NODE = TableColumns.builder()
        .column("Status", "The status of the node", Printers::nodeStatus)
        .column("Roles", "The roles of the node", Printers::nodeRoles)
        .age()
        .column("Version", "Kubelet Version reported by the node.", o -> Cells.orNone(Cells.text(o, "status", "nodeInfo", "kubeletVersion")))
        .wide("Internal-IP", "List of internal IPs.", o -> address(o, "InternalIP"))
        .wide("External-IP", "List of external IPs.", o -> address(o, "ExternalIP"))
        .wide("OS-Image", "OS image reported by the node.", o -> Cells.orNone(Cells.text(o, "status", "nodeInfo", "osImage")))
        .wide("Kernel-Version", "Kernel version reported by the node.", o -> Cells.orNone(Cells.text(o, "status", "nodeInfo", "kernelVersion")))
        .wide("Container-Runtime", "Container runtime reported by the node.", o -> Cells.orNone(Cells.text(o, "status", "nodeInfo", "containerRuntimeVersion")))
        .build();

    static final TableColumns NAMESPACE = TableColumns.builder()
        .column("Status", "The status of the namespace", o -> o.path("status").path("phase").asText("Active"))
        .age().build();

    static final TableColumns CONFIG_MAP = TableColumns.builder()
        .number("Data", "Number of data entries.", o -> Cells.count(o.path("data")) + Cells.count(o.path("binaryData")))
        .age().build();

    static final TableColumns SECRET = TableColumns.builder()
        .column("Type", "The type of the secret", o -> o.path("type").asText("Opaque"))
        .number("Data", "Number of data entries.", o -> Cells.count(o.path("data")))
        .age().build();

    static final TableColumns SERVICE_ACCOUNT = TableColumns.builder()
        .number("Secrets", "Number of secrets.", o -> Cells.count(o.path("secrets")))
        .age().build();

    static final TableColumns ENDPOINTS = TableColumns.builder()
        .column("Endpoints", "Endpoints of the service.", Printers::endpoints)
        .age().build();

    static final TableColumns ENDPOINT_SLICE = TableColumns.builder()
        .column("AddressType", "The type of address carried by this EndpointSlice.", o -> o.path("addressType").asText(""))
        .column("Ports", "The ports of the EndpointSlice.", Printers::slicePorts)
        .column("Endpoints", "The addresses of the endpoints.", Printers::sliceEndpoints)
        .age().build();

    static final TableColumns EVENT = new TableColumns(List.of(
        new TableColumns.Column("Last Seen", "string", "", "The time the event was last seen.", 0,
            o -> Durations.age(firstNonEmpty(Cells.text(o, "lastTimestamp"), Cells.text(o, "eventTime"), Cells.text(o, "metadata", "creationTimestamp")), Instant.now())),
        new TableColumns.Column("Type", "string", "", "The type of the event.", 0, o -> Cells.text(o, "type")),
        new TableColumns.Column("Reason", "string", "", "The reason of the event.", 0, o -> Cells.text(o, "reason")),
        new TableColumns.Column("Object", "string", "", "The object the event is about.", 0,
            o -> o.path("involvedObject").path("kind").asText("").toLowerCase() + "/" + o.path("involvedObject").path("name").asText()),
        new TableColumns.Column("Message", "string", "", "The message of the event.", 0, o -> Cells.text(o, "message")),
        new TableColumns.Column("Name", "string", "name", "Name of the event.", 1, o -> o.path("metadata").path("name").asText())));

    /** Kinds upstream prints with its default table convertor: Name and Created At (e.g. LimitRanges). */
    static final TableColumns NAME_CREATED_AT = new TableColumns(List.of(
        new TableColumns.Column("Name", "string", "name", "Name must be unique within a namespace.", 0,
            o -> o.path("metadata").path("name").asText()),
        new TableColumns.Column("Created At", "date", "", "CreationTimestamp is a timestamp representing the server time when this object was created.",
            0, o -> o.path("metadata").path("creationTimestamp").asText(""))));

    static final TableColumns PVC = TableColumns.builder()
        .column("Status", "The phase of the claim.", o -> o.path("status").path("phase").asText("Pending"))
        .column("Volume", "The bound volume.", o -> o.path("spec").path("volumeName").asText(""))
        .column("Capacity", "The capacity of the bound volume.", o -> o.path("status").path("capacity").path("storage").asText(""))
        .column("Access Modes", "The access modes.", o -> accessModes(o.path("status").path("accessModes")))
        .column("StorageClass", "The storage class.", o -> Cells.orNone(Cells.text(o, "spec", "storageClassName")))
        .column("VolumeAttributesClass", "The volume attributes class.", o -> Cells.orNone(Cells.text(o, "spec", "volumeAttributesClassName")))
        .age().build();

    static final TableColumns PV = TableColumns.builder()
        .column("Capacity", "The capacity.", o -> o.path("spec").path("capacity").path("storage").asText(""))
        .column("Access Modes", "The access modes.", o -> accessModes(o.path("spec").path("accessModes")))
        .column("Reclaim Policy", "The reclaim policy.", o -> o.path("spec").path("persistentVolumeReclaimPolicy").asText("Retain"))
        .column("Status", "The phase.", o -> o.path("status").path("phase").asText("Pending"))
        .column("Claim", "The bound claim.", o -> o.path("spec").has("claimRef")
            ? o.path("spec").path("claimRef").path("namespace").asText() + "/" + o.path("spec").path("claimRef").path("name").asText() : "")
        .column("StorageClass", "The storage class.", o -> Cells.orNone(Cells.text(o, "spec", "storageClassName")))
        .column("VolumeAttributesClass", "The volume attributes class.", o -> Cells.orNone(Cells.text(o, "spec", "volumeAttributesClassName")))
        .column("Reason", "The reason.", o -> o.path("status").path("reason").asText(""))
        .age().build();

    static final TableColumns LEASE = TableColumns.builder()
        .column("Holder", "The holder of the lease.", o -> o.path("spec").path("holderIdentity").asText(""))
        .age().build();

    static final TableColumns PRIORITY_CLASS = TableColumns.builder()
        .number("Value", "The value of the priority class.", o -> o.path("value").asLong())
        .column("Global-Default", "Whether this is the global default.", o -> Boolean.toString(o.path("globalDefault").asBoolean(false)))
        .age()
        .column("PreemptionPolicy", "The preemption policy.", o -> o.path("preemptionPolicy").asText("PreemptLowerPriority"))
        .build();

    static final TableColumns STORAGE_CLASS = TableColumns.builder()
        .column("Provisioner", "The provisioner.", o -> o.path("provisioner").asText())
        .column("ReclaimPolicy", "The reclaim policy.", o -> o.path("reclaimPolicy").asText("Delete"))
        .column("VolumeBindingMode", "The volume binding mode.", o -> o.path("volumeBindingMode").asText("Immediate"))
        .column("AllowVolumeExpansion", "Whether expansion is allowed.", o -> Boolean.toString(o.path("allowVolumeExpansion").asBoolean(false)))
        .age().build();

    static final TableColumns PDB = TableColumns.builder()
        .column("Min Available", "The minimum number of pods that must be available.", o -> Cells.orNone(Cells.text(o, "spec", "minAvailable")))
        .column("Max Unavailable", "The maximum number of pods that may be unavailable.", o -> Cells.orNone(Cells.text(o, "spec", "maxUnavailable")))
        .number("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time.", o -> Cells.num(o, "status", "disruptionsAllowed"))
        .age().build();

    static final TableColumns INGRESS = TableColumns.builder()
        .column("Class", "The ingress class.", o -> Cells.orNone(Cells.text(o, "spec", "ingressClassName")))
        .column("Hosts", "The hosts.", o -> {
            List<String> hosts = new ArrayList<>();
            o.path("spec").path("rules").forEach(r -> hosts.add(r.path("host").asText("*")));
            return hosts.isEmpty() ? "*" : String.join(",", hosts);
        })
        .column("Address", "The address.", o -> externalIp(o))
        .column("Ports", "The ports.", o -> o.path("spec").path("tls").isEmpty() ? "80" : "80, 443")
        .age().build();

    static final TableColumns RESOURCE_QUOTA = TableColumns.builder()
        .age()
        .column("Request", "Requests.", o -> quota(o, false))
        .column("Limit", "Limits.", o -> quota(o, true))
        .build();

    static final TableColumns CONTROLLER_REVISION = TableColumns.builder()
        .column("Controller", "The owner.", o -> {
            for (JsonNode r : o.path("metadata").path("ownerReferences"))
                if (r.path("controller").asBoolean()) return r.path("kind").asText().toLowerCase() + ".apps/" + r.path("name").asText();
            return "<none>";
        })
        .number("Revision", "The revision.", o -> o.path("revision").asLong())
        .age().build();

    static final TableColumns ROLE_BINDING = TableColumns.builder()
        .column("Role", "The role.", o -> o.path("roleRef").path("kind").asText() + "/" + o.path("roleRef").path("name").asText())
        .age().build();

    private static String jobStatus(ObjectNode o) {
        for (JsonNode c : o.path("status").path("conditions")) {
            if (!"True".equals(c.path("status").asText())) continue;
            switch (c.path("type").asText()) {
                case "Complete": return "Complete";
                case "Failed": return "Failed";
                case "Suspended": return "Suspended";
                case "FailureTarget": return "FailureTarget";
                case "SuccessCriteriaMet": return "SuccessCriteriaMet";
                default: break;
            }
        }
        return "Running";
    }

    private static String jobDuration(ObjectNode o) {
        String start = Cells.text(o, "status", "startTime");
        if (start == null) return "";
        String end = Cells.text(o, "status", "completionTime");
        Instant e = end == null ? Instant.now() : Instant.parse(end);
        return Durations.human(Duration.between(Instant.parse(start), e));
    }

    private static String externalIp(ObjectNode o) {
        List<String> ips = new ArrayList<>();
        o.path("spec").path("externalIPs").forEach(n -> ips.add(n.asText()));
        for (JsonNode ing : o.path("status").path("loadBalancer").path("ingress")) {
            if (ing.hasNonNull("ip")) ips.add(ing.get("ip").asText());
            else if (ing.hasNonNull("hostname")) ips.add(ing.get("hostname").asText());
        }
        String type = o.path("spec").path("type").asText("ClusterIP");
        if (type.equals("ExternalName")) return o.path("spec").path("externalName").asText("<none>");
        if (ips.isEmpty()) return type.equals("LoadBalancer") ? "<pending>" : "<none>";
        return String.join(",", ips);
    }

    private static String servicePorts(ObjectNode o) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : o.path("spec").path("ports")) {
            String s = p.path("port").asText() + (p.hasNonNull("nodePort") ? ":" + p.path("nodePort").asText() : "") + "/" + p.path("protocol").asText("TCP");
            out.add(s);
        }
        return out.isEmpty() ? "<none>" : String.join(",", out);
    }

    private static String nodeStatus(ObjectNode o) {
        String s = "Unknown";
        for (JsonNode c : o.path("status").path("conditions"))
            if ("Ready".equals(c.path("type").asText())) s = "True".equals(c.path("status").asText()) ? "Ready" : "NotReady";
        if (o.path("spec").path("unschedulable").asBoolean(false)) s += ",SchedulingDisabled";
        return s;
    }

    private static String nodeRoles(ObjectNode o) {
        List<String> roles = new ArrayList<>();
        for (Iterator<String> it = o.path("metadata").path("labels").fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (k.startsWith("node-role.kubernetes.io/")) roles.add(k.substring("node-role.kubernetes.io/".length()));
        }
        return roles.isEmpty() ? "<none>" : String.join(",", roles.stream().sorted().toList());
    }

    private static String address(ObjectNode o, String type) {
        for (JsonNode a : o.path("status").path("addresses")) if (type.equals(a.path("type").asText())) return a.path("address").asText();
        return "<none>";
    }

    private static String endpoints(ObjectNode o) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : o.path("subsets")) {
            for (JsonNode a : s.path("addresses")) {
                if (s.path("ports").isEmpty()) out.add(a.path("ip").asText());
                for (JsonNode p : s.path("ports")) out.add(a.path("ip").asText() + ":" + p.path("port").asText());
            }
        }
        if (out.isEmpty()) return "<none>";
        if (out.size() > 3) return String.join(",", out.subList(0, 3)) + " + " + (out.size() - 3) + " more...";
        return String.join(",", out);
    }

    /** As upstream's formatDiscoveryPorts: port numbers, {@code <unset>} for a port without one. */
    private static String slicePorts(ObjectNode o) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : o.path("ports")) out.add(p.hasNonNull("port") ? p.path("port").asText() : "<unset>");
        return firstThree(out, "<unset>");
    }

    /** As upstream's formatDiscoveryEndpoints: every address of every endpoint. */
    private static String sliceEndpoints(ObjectNode o) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : o.path("endpoints")) for (JsonNode a : e.path("addresses")) out.add(a.asText());
        return firstThree(out, "<none>");
    }

    private static String firstThree(List<String> items, String none) {
        if (items.isEmpty()) return none;
        if (items.size() > 3) return String.join(",", items.subList(0, 3)) + " + " + (items.size() - 3) + " more...";
        return String.join(",", items);
    }

    private static String accessModes(JsonNode modes) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : modes) {
            switch (m.asText()) {
                case "ReadWriteOnce" -> out.add("RWO");
                case "ReadOnlyMany" -> out.add("ROX");
                case "ReadWriteMany" -> out.add("RWX");
                case "ReadWriteOncePod" -> out.add("RWOP");
                default -> out.add(m.asText());
            }
        }
        return String.join(",", out);
    }

    private static String quota(ObjectNode o, boolean limits) {
        List<String> out = new ArrayList<>();
        JsonNode hard = o.path("status").path("hard");
        JsonNode used = o.path("status").path("used");
        for (Iterator<Map.Entry<String, JsonNode>> it = hard.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            boolean isLimit = e.getKey().startsWith("limits.");
            if (isLimit != limits) continue;
            out.add(e.getKey() + ": " + used.path(e.getKey()).asText("0") + "/" + e.getValue().asText());
        }
        return String.join(", ", out);
    }

    private static String firstNonEmpty(String... s) {
        for (String x : s) if (x != null && !x.isEmpty()) return x;
        return null;
    }
}
