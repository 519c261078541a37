package dev.beluga.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.registry.FieldErrors;
import dev.beluga.apiserver.registry.ResourceRegistry;
import dev.beluga.apiserver.registry.ResourceType;
import dev.beluga.apiserver.registry.ResourceType.Subresource;
import dev.beluga.apiserver.registry.Strategy;
import dev.beluga.apiserver.table.TableColumns;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Registers every built-in Kubernetes resource Beluga serves, with its strategy. */
public final class BuiltinResources {
    private static final Set<String> ALL = ResourceType.ALL_VERBS;
    private static final List<String> RW = List.of("get", "patch", "update");

    private BuiltinResources() {
    }

    public static void register(ResourceRegistry r) {
        // ---- core/v1
        r.register(type("", "v1", "Namespace", "namespaces", false, List.of("ns"), List.of(),
            List.of(status("", "v1", "Namespace"), new Subresource("finalize", "", "v1", "Namespace", List.of("update"))),
            new NamespaceStrategy(), Set.of("create", "delete", "get", "list", "patch", "update", "watch")));
        r.register(type("", "v1", "Pod", "pods", true, List.of("po"), List.of("all"), List.of(
            status("", "v1", "Pod"),
            new Subresource("binding", "", "v1", "Binding", List.of("create")),
            new Subresource("eviction", "policy", "v1", "Eviction", List.of("create")),
            new Subresource("log", "", "v1", "Pod", List.of("get")),
            new Subresource("exec", "", "v1", "PodExecOptions", List.of("create", "get")),
            new Subresource("attach", "", "v1", "PodAttachOptions", List.of("create", "get")),
            new Subresource("portforward", "", "v1", "PodPortForwardOptions", List.of("create", "get")),
            new Subresource("proxy", "", "v1", "PodProxyOptions", List.of("create", "delete", "get", "patch", "update"))),
            LimitRangerAdmission.forPods(new ServiceAccountAdmission(new PodStrategy(), r), r), ALL));
        r.register(type("", "v1", "Service", "services", true, List.of("svc"), List.of("all"),
            List.of(status("", "v1", "Service"), new Subresource("proxy", "", "v1", "ServiceProxyOptions", List.of("create", "delete", "get", "patch", "update"))),
            new ServiceStrategy(), ALL));
        r.register(type("", "v1", "Endpoints", "endpoints", true, List.of("ep"), List.of(), List.of(),
            SimpleStrategy.builder().table(Printers.ENDPOINTS).build(), ALL));
        r.register(type("", "v1", "Node", "nodes", false, List.of("no"), List.of(),
            List.of(status("", "v1", "Node"), new Subresource("proxy", "", "v1", "NodeProxyOptions", List.of("create", "delete", "get", "patch", "update"))),
            SimpleStrategy.builder().table(Printers.NODE).fields(Set.of("spec.unschedulable"),
                o -> Map.of("spec.unschedulable", Boolean.toString(o.path("spec").path("unschedulable").asBoolean(false)))).build(), ALL));
        r.register(type("", "v1", "ConfigMap", "configmaps", true, List.of("cm"), List.of(), List.of(),
            SimpleStrategy.builder().table(Printers.CONFIG_MAP).validation(BuiltinResources::validateDataKeys).build(), ALL));
        r.register(type("", "v1", "Secret", "secrets", true, List.of(), List.of(), List.of(),
            SimpleStrategy.builder().table(Printers.SECRET).defaults(o -> {
                if (!o.hasNonNull("type")) o.put("type", "Opaque");
                mergeStringData(o);
            }).validation(BuiltinResources::validateDataKeys)
                .fields(Set.of("type"), o -> Map.of("type", o.path("type").asText("Opaque"))).build(), ALL));
        r.register(type("", "v1", "Event", "events", true, List.of("ev"), List.of(), List.of(),
            SimpleStrategy.builder().table(Printers.EVENT).fields(EVENT_FIELDS, BuiltinResources::eventFields).build(), ALL));
        r.register(type("", "v1", "ReplicationController", "replicationcontrollers", true, List.of("rc"), List.of("all"),
            List.of(status("", "v1", "ReplicationController"), scale()),
            new WorkloadStrategy("ReplicationController", BuiltinResources::defaultReplicas, Printers.REPLICATION_CONTROLLER, false), ALL));
        r.register(type("", "v1", "ServiceAccount", "serviceaccounts", true, List.of("sa"), List.of(),
            List.of(new Subresource("token", "authentication.k8s.io", "v1", "TokenRequest", List.of("create"))),
            SimpleStrategy.builder().table(Printers.SERVICE_ACCOUNT).build(), ALL));
        r.register(type("", "v1", "PersistentVolume", "persistentvolumes", false, List.of("pv"), List.of(),
            List.of(status("", "v1", "PersistentVolume")), SimpleStrategy.builder().table(Printers.PV).defaults(o -> {
                ObjectNode spec = Json.with(o, "spec");
                if (!spec.hasNonNull("persistentVolumeReclaimPolicy")) spec.put("persistentVolumeReclaimPolicy", "Retain");
                if (!spec.hasNonNull("volumeMode")) spec.put("volumeMode", "Filesystem");
                if (!o.has("status")) Json.with(o, "status").put("phase", "Pending");
            }).build(), ALL));
        r.register(type("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, List.of("pvc"), List.of(),
            List.of(status("", "v1", "PersistentVolumeClaim")), LimitRangerAdmission.forClaims(new DefaultStorageClass(SimpleStrategy.builder().table(Printers.PVC).defaults(o -> {
                ObjectNode spec = Json.with(o, "spec");
                if (!spec.hasNonNull("volumeMode")) spec.put("volumeMode", "Filesystem");
                if (!o.has("status")) Json.with(o, "status").put("phase", "Pending");
            }).build(), r), r), ALL));
        r.register(type("", "v1", "ResourceQuota", "resourcequotas", true, List.of("quota"), List.of(),
            List.of(status("", "v1", "ResourceQuota")),
            new ResourceQuotaRules(SimpleStrategy.builder().table(Printers.RESOURCE_QUOTA).build(), r, java.time.Clock.systemUTC()), ALL));
        r.register(type("", "v1", "LimitRange", "limitranges", true, List.of("limits"), List.of(), List.of(),
            SimpleStrategy.builder().table(Printers.NAME_CREATED_AT).defaults(LimitRangeRules::defaults)
                .validation(LimitRangeRules::validate).build(), ALL));
        r.register(type("", "v1", "PodTemplate", "podtemplates", true, List.of(), List.of(), List.of(),
            SimpleStrategy.builder().defaults(o -> {
                if (o.get("template") instanceof ObjectNode t) PodSpecs.defaultTemplate(t);
            }).build(), ALL));

        // ---- apps/v1
        r.register(type("apps", "v1", "Deployment", "deployments", true, List.of("deploy"), List.of("all"),
            List.of(status("apps", "v1", "Deployment"), scale()),
            new WorkloadStrategy("Deployment", BuiltinResources::defaultDeployment, Printers.DEPLOYMENT, true), ALL));
        r.register(type("apps", "v1", "ReplicaSet", "replicasets", true, List.of("rs"), List.of("all"),
            List.of(status("apps", "v1", "ReplicaSet"), scale()),
            new WorkloadStrategy("ReplicaSet", BuiltinResources::defaultReplicas, Printers.REPLICA_SET, true), ALL));
        r.register(type("apps", "v1", "StatefulSet", "statefulsets", true, List.of("sts"), List.of("all"),
            List.of(status("apps", "v1", "StatefulSet"), scale()),
            new WorkloadStrategy("StatefulSet", BuiltinResources::defaultStatefulSet, Printers.STATEFUL_SET, true), ALL));
        r.register(type("apps", "v1", "DaemonSet", "daemonsets", true, List.of("ds"), List.of("all"),
            List.of(status("apps", "v1", "DaemonSet")),
            new WorkloadStrategy("DaemonSet", BuiltinResources::defaultDaemonSet, Printers.DAEMON_SET, true), ALL));
        r.register(type("apps", "v1", "ControllerRevision", "controllerrevisions", true, List.of(), List.of(), List.of(),
            SimpleStrategy.builder().table(Printers.CONTROLLER_REVISION).build(), ALL));

        // ---- batch/v1
        r.register(type("batch", "v1", "Job", "jobs", true, List.of(), List.of("all"), List.of(status("batch", "v1", "Job")),
            new WorkloadStrategy("Job", BuiltinResources::defaultJob, Printers.JOB, false), ALL));
        r.register(type("batch", "v1", "CronJob", "cronjobs", true, List.of("cj"), List.of("all"), List.of(status("batch", "v1", "CronJob")),
            SimpleStrategy.builder().generation().clearStatusOnCreate().table(Printers.CRON_JOB).defaults(o -> {
                ObjectNode spec = Json.with(o, "spec");
                if (!spec.hasNonNull("concurrencyPolicy")) spec.put("concurrencyPolicy", "Allow");
                if (!spec.hasNonNull("suspend")) spec.put("suspend", false);
                if (!spec.hasNonNull("successfulJobsHistoryLimit")) spec.put("successfulJobsHistoryLimit", 3);
                if (!spec.hasNonNull("failedJobsHistoryLimit")) spec.put("failedJobsHistoryLimit", 1);
                if (spec.path("jobTemplate").path("spec").get("template") instanceof ObjectNode t) PodSpecs.defaultTemplate(t);
            }).validation((o, e) -> {
                String schedule = o.path("spec").path("schedule").asText("");
                if (schedule.isBlank()) e.required("spec.schedule");
                else if (schedule.contains("TZ=")) e.invalid("spec.schedule", schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
                else {
                    try {
                        dev.beluga.api.cron.CronSchedule.parse(schedule);
                    } catch (IllegalArgumentException ex) {
                        e.invalid("spec.schedule", schedule, "unparseable schedule: " + ex.getMessage());
                    }
                }
                String zone = o.path("spec").path("timeZone").asText(null);
                if (zone != null) {
                    try {
                        java.time.ZoneId.of(zone);
                    } catch (java.time.DateTimeException ex) {
                        e.invalid("spec.timeZone", zone, "unknown time zone " + zone);
                    }
                }
                if (!o.path("spec").has("jobTemplate")) e.required("spec.jobTemplate");
            }).build(), ALL));

        // ---- other groups
        r.register(type("coordination.k8s.io", "v1", "Lease", "leases", true, List.of(), List.of(), List.of(),
            SimpleStrategy.builder().table(Printers.LEASE).build(), ALL));
        r.register(type("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true, List.of(), List.of(), List.of(),
            SimpleStrategy.builder().table(Printers.ENDPOINT_SLICE).validation((o, e) -> {
                String at = o.path("addressType").asText("");
                if (at.isEmpty()) e.required("addressType");
                else if (!List.of("IPv4", "IPv6", "FQDN").contains(at)) e.notSupported("addressType", at, List.of("IPv4", "IPv6", "FQDN"));
            }).build(), ALL));
        r.register(type("events.k8s.io", "v1", "Event", "events", true, List.of("ev"), List.of(), List.of(),
            SimpleStrategy.builder().build(), ALL));
        r.register(type("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, List.of("pdb"), List.of(),
            List.of(status("policy", "v1", "PodDisruptionBudget")),
            SimpleStrategy.builder().generation().clearStatusOnCreate().table(Printers.PDB).build(), ALL));
        r.register(type("networking.k8s.io", "v1", "Ingress", "ingresses", true, List.of("ing"), List.of(),
            List.of(status("networking.k8s.io", "v1", "Ingress")),
            SimpleStrategy.builder().generation().table(Printers.INGRESS).build(), ALL));
        r.register(type("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false, List.of(), List.of(), List.of(),
            SimpleStrategy.builder().build(), ALL));
        r.register(type("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, List.of("netpol"), List.of(), List.of(),
            SimpleStrategy.builder().generation().build(), ALL));
        r.register(type("storage.k8s.io", "v1", "StorageClass", "storageclasses", false, List.of("sc"), List.of(), List.of(),
            SimpleStrategy.builder().table(Printers.STORAGE_CLASS).defaults(o -> {
                if (!o.hasNonNull("reclaimPolicy")) o.put("reclaimPolicy", "Delete");
                if (!o.hasNonNull("volumeBindingMode")) o.put("volumeBindingMode", "Immediate");
            }).validation((o, e) -> {
                if (o.path("provisioner").asText("").isEmpty()) e.required("provisioner");
            }).build(), ALL));
        r.register(type("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false, List.of("pc"), List.of(), List.of(),
            SimpleStrategy.builder().table(Printers.PRIORITY_CLASS).defaults(o -> {
                if (!o.hasNonNull("preemptionPolicy")) o.put("preemptionPolicy", "PreemptLowerPriority");
            }).validation((o, e) -> {
                if (!o.path("value").canConvertToInt()) e.required("value");
                else if (o.path("value").asLong() > 1_000_000_000L && !o.path("metadata").path("name").asText().startsWith("system-"))
                    e.forbidden("value", "maximum allowed value of a user defined priority is 1000000000");
            }).build(), ALL));
        r.register(type("certificates.k8s.io", "v1", "CertificateSigningRequest", "certificatesigningrequests", false, List.of("csr"),
            List.of(), List.of(status("certificates.k8s.io", "v1", "CertificateSigningRequest"),
                new Subresource("approval", "certificates.k8s.io", "v1", "CertificateSigningRequest", RW)),
            new dev.beluga.apiserver.resources.certificates.CertificateSigningRequestStrategy(java.time.Clock.systemUTC()), ALL));
        Strategy rbac = SimpleStrategy.builder().nameRule(Strategy.NameRule.PATH_SEGMENT).build();
        Strategy binding = SimpleStrategy.builder().nameRule(Strategy.NameRule.PATH_SEGMENT).table(Printers.ROLE_BINDING).build();
        r.register(type("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false, List.of(), List.of(), List.of(), rbac, ALL));
        r.register(type("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false, List.of(), List.of(), List.of(), binding, ALL));
        r.register(type("rbac.authorization.k8s.io", "v1", "Role", "roles", true, List.of(), List.of(), List.of(), rbac, ALL));
        r.register(type("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, List.of(), List.of(), List.of(), binding, ALL));
    }

    private static ResourceType type(String group, String version, String kind, String plural, boolean namespaced,
                                     List<String> shortNames, List<String> categories, List<Subresource> subs,
                                     Strategy strategy, Set<String> verbs) {
        return new ResourceType(group, version, kind, plural, kind.toLowerCase(), namespaced, shortNames, categories, verbs, subs, strategy);
    }

    private static Subresource status(String group, String version, String kind) {
        return new Subresource("status", group, version, kind, RW);
    }

    private static Subresource scale() {
        return new Subresource("scale", "autoscaling", "v1", "Scale", RW);
    }

    // ---- defaults

    private static void defaultReplicas(ObjectNode spec) {
        if (!spec.hasNonNull("replicas")) spec.put("replicas", 1);
        if (!spec.hasNonNull("minReadySeconds") && spec.has("minReadySeconds")) spec.remove("minReadySeconds");
    }

    private static void defaultDeployment(ObjectNode spec) {
        defaultReplicas(spec);
        ObjectNode strategy = Json.with(spec, "strategy");
        if (!strategy.hasNonNull("type")) strategy.put("type", "RollingUpdate");
        if ("RollingUpdate".equals(strategy.path("type").asText())) {
            ObjectNode ru = Json.with(strategy, "rollingUpdate");
            if (!ru.hasNonNull("maxUnavailable")) ru.put("maxUnavailable", "25%");
            if (!ru.hasNonNull("maxSurge")) ru.put("maxSurge", "25%");
        }
        if (!spec.hasNonNull("revisionHistoryLimit")) spec.put("revisionHistoryLimit", 10);
        if (!spec.hasNonNull("progressDeadlineSeconds")) spec.put("progressDeadlineSeconds", 600);
    }

    private static void defaultStatefulSet(ObjectNode spec) {
        defaultReplicas(spec);
        if (!spec.hasNonNull("podManagementPolicy")) spec.put("podManagementPolicy", "OrderedReady");
        ObjectNode us = Json.with(spec, "updateStrategy");
        if (!us.hasNonNull("type")) us.put("type", "RollingUpdate");
        if ("RollingUpdate".equals(us.path("type").asText()) && !us.has("rollingUpdate")) us.putObject("rollingUpdate").put("partition", 0);
        if (!spec.hasNonNull("revisionHistoryLimit")) spec.put("revisionHistoryLimit", 10);
        if (!spec.has("persistentVolumeClaimRetentionPolicy"))
            spec.putObject("persistentVolumeClaimRetentionPolicy").put("whenDeleted", "Retain").put("whenScaled", "Retain");
    }

    private static void defaultDaemonSet(ObjectNode spec) {
        ObjectNode us = Json.with(spec, "updateStrategy");
        if (!us.hasNonNull("type")) us.put("type", "RollingUpdate");
        if ("RollingUpdate".equals(us.path("type").asText())) {
            ObjectNode ru = Json.with(us, "rollingUpdate");
            if (!ru.hasNonNull("maxUnavailable")) ru.put("maxUnavailable", 1);
            if (!ru.hasNonNull("maxSurge")) ru.put("maxSurge", 0);
        }
        if (!spec.hasNonNull("revisionHistoryLimit")) spec.put("revisionHistoryLimit", 10);
    }

    private static void defaultJob(ObjectNode spec) {
        if (!spec.hasNonNull("parallelism")) spec.put("parallelism", 1);
        if (!spec.hasNonNull("backoffLimit")) spec.put("backoffLimit", 6);
        if (!spec.hasNonNull("completionMode")) spec.put("completionMode", "NonIndexed");
        if (!spec.hasNonNull("suspend")) spec.put("suspend", false);
    }

    /**
     * A Secret's {@code stringData} is write-only, as upstream: its entries are base64-encoded into {@code data}
     * (overriding keys there) and the field is dropped before the object is stored.
     */
    static void mergeStringData(ObjectNode o) {
        JsonNode sd = o.get("stringData");
        if (sd == null || !sd.isObject()) {
            o.remove("stringData");
            return;
        }
        ObjectNode data = o.path("data").isObject() ? (ObjectNode) o.get("data") : o.putObject("data");
        for (var it = sd.fields(); it.hasNext(); ) {
            var e = it.next();
            data.put(e.getKey(), java.util.Base64.getEncoder().encodeToString(
                e.getValue().asText("").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        o.remove("stringData");
    }

    private static void validateDataKeys(ObjectNode o, FieldErrors e) {
        for (String f : List.of("data", "binaryData", "stringData")) {
            for (java.util.Iterator<String> it = o.path(f).fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!k.matches("[-._a-zA-Z0-9]+") || k.length() > 253)
                    e.invalid(f + "[" + k + "]", k, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
            }
        }
    }

    private static final Set<String> EVENT_FIELDS = Set.of("involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
        "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
        "reportingComponent", "source", "type");

    private static Map<String, String> eventFields(ObjectNode o) {
        JsonNode io = o.path("involvedObject");
        java.util.HashMap<String, String> m = new java.util.HashMap<>();
        for (String f : List.of("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"))
            m.put("involvedObject." + f, io.path(f).asText(""));
        m.put("reason", o.path("reason").asText(""));
        m.put("reportingComponent", o.path("reportingComponent").asText(""));
        m.put("source", o.path("source").path("component").asText(""));
        m.put("type", o.path("type").asText(""));
        return m;
    }

    /** Namespaces: the "kubernetes" finalizer, phase Active, the metadata.name label; delete waits for contents. */
    static final class NamespaceStrategy implements Strategy {
        @Override
        public void prepareForCreate(ObjectNode o) {
            ObjectNode spec = Json.with(o, "spec");
            if (!spec.has("finalizers")) spec.putArray("finalizers").add("kubernetes");
            o.putObject("status").put("phase", "Active");
            Json.with(Json.with(o, "metadata"), "labels").put("kubernetes.io/metadata.name", o.path("metadata").path("name").asText());
        }

        @Override
        public void prepareForUpdate(ObjectNode o, ObjectNode old) {
            Json.with(Json.with(o, "metadata"), "labels").put("kubernetes.io/metadata.name", o.path("metadata").path("name").asText());
            if (old.has("spec")) o.set("spec", old.get("spec")); // spec.finalizers change only through /finalize
        }

        @Override
        public boolean tracksGeneration() {
            return false;
        }

        @Override
        public NameRule nameRule() {
            return NameRule.LABEL;
        }

        @Override
        public boolean retainOnDelete(ObjectNode o) {
            JsonNode f = o.path("spec").path("finalizers");
            if (f.isArray() && !f.isEmpty()) {
                Json.with(o, "status").put("phase", "Terminating");
                return true;
            }
            return false;
        }

        @Override
        public TableColumns table() {
            return Printers.NAMESPACE;
        }
    }
}
