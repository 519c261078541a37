package dev.beluga.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.registry.FieldErrors;
import dev.beluga.apiserver.registry.Names;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Defaults and validation of a PodSpec, shared by pods and every pod template (deployments, jobs, ...). */
final class PodSpecs {
    private PodSpecs() {
    }

    static void defaultPodSpec(ObjectNode spec) {
        if (!spec.hasNonNull("restartPolicy")) spec.put("restartPolicy", "Always");
        if (!spec.hasNonNull("dnsPolicy")) spec.put("dnsPolicy", "ClusterFirst");
        if (!spec.hasNonNull("schedulerName")) spec.put("schedulerName", "default-scheduler");
        if (!spec.hasNonNull("terminationGracePeriodSeconds")) spec.put("terminationGracePeriodSeconds", 30);
        if (!spec.hasNonNull("securityContext")) spec.putObject("securityContext");
        if (!spec.hasNonNull("enableServiceLinks")) spec.put("enableServiceLinks", true);
        if (spec.hasNonNull("serviceAccountName") && !spec.hasNonNull("serviceAccount"))
            spec.put("serviceAccount", spec.get("serviceAccountName").asText());
        for (String list : List.of("initContainers", "containers")) {
            for (JsonNode c : spec.path(list)) {
                if (!(c instanceof ObjectNode co)) continue;
                if (!co.hasNonNull("terminationMessagePath")) co.put("terminationMessagePath", "/dev/termination-log");
                if (!co.hasNonNull("terminationMessagePolicy")) co.put("terminationMessagePolicy", "File");
                if (!co.hasNonNull("imagePullPolicy")) co.put("imagePullPolicy", pullPolicy(co.path("image").asText("")));
                if (!co.hasNonNull("resources")) co.putObject("resources");
                for (JsonNode p : co.path("ports")) if (p instanceof ObjectNode po && !po.hasNonNull("protocol")) po.put("protocol", "TCP");
            }
        }
    }

    /** Always for ":latest" or untagged images, IfNotPresent otherwise (upstream's default). */
    static String pullPolicy(String image) {
        String ref = image;
        int at = ref.indexOf('@');
        if (at >= 0) return "IfNotPresent";
        int slash = ref.lastIndexOf('/');
        int colon = ref.lastIndexOf(':');
        if (colon <= slash) return "Always";
        return ref.substring(colon + 1).equals("latest") ? "Always" : "IfNotPresent";
    }

    static String qosClass(JsonNode spec) {
        boolean anyRequest = false;
        boolean allGuaranteed = true;
        for (JsonNode c : spec.path("containers")) {
            JsonNode req = c.path("resources").path("requests");
            JsonNode lim = c.path("resources").path("limits");
            if (!req.isEmpty() || !lim.isEmpty()) anyRequest = true;
            for (String r : List.of("cpu", "memory")) {
                JsonNode l = lim.path(r);
                JsonNode q = req.path(r);
                if (l.isMissingNode() || (!q.isMissingNode() && !q.asText().equals(l.asText()))) allGuaranteed = false;
            }
        }
        if (!anyRequest) return "BestEffort";
        return allGuaranteed ? "Guaranteed" : "Burstable";
    }

    static void validatePodSpec(JsonNode spec, String path, FieldErrors errors) {
        JsonNode containers = spec.path("containers");
        if (!containers.isArray() || containers.isEmpty()) {
            errors.required(path + ".containers");
            return;
        }
        Set<String> names = new HashSet<>();
        validateContainers(spec.path("initContainers"), path + ".initContainers", names, errors);
        validateContainers(containers, path + ".containers", names, errors);
        String rp = spec.path("restartPolicy").asText("Always");
        if (!List.of("Always", "OnFailure", "Never").contains(rp))
            errors.notSupported(path + ".restartPolicy", rp, List.of("Always", "OnFailure", "Never"));
        String dp = spec.path("dnsPolicy").asText("ClusterFirst");
        if (!List.of("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None").contains(dp))
            errors.notSupported(path + ".dnsPolicy", dp, List.of("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"));
        Set<String> volumes = new HashSet<>();
        int i = 0;
        for (JsonNode v : spec.path("volumes")) {
            String n = v.path("name").asText("");
            String vp = path + ".volumes[" + i++ + "].name";
            if (n.isEmpty()) errors.required(vp);
            else if (!volumes.add(n)) errors.duplicate(vp, n);
            else if (Names.checkLabel(n) != null) errors.invalid(vp, n, Names.checkLabel(n));
        }
    }

    private static void validateContainers(JsonNode list, String path, Set<String> names, FieldErrors errors) {
        int i = 0;
        for (JsonNode c : list) {
            String p = path + "[" + i++ + "]";
            String name = c.path("name").asText("");
            if (name.isEmpty()) errors.required(p + ".name");
            else if (Names.checkLabel(name) != null) errors.invalid(p + ".name", name, Names.checkLabel(name));
            else if (!names.add(name)) errors.duplicate(p + ".name", name);
            if (c.path("image").asText("").isBlank()) errors.required(p + ".image");
            String ipp = c.path("imagePullPolicy").asText("IfNotPresent");
            if (!List.of("Always", "IfNotPresent", "Never").contains(ipp))
                errors.notSupported(p + ".imagePullPolicy", ipp, List.of("Always", "IfNotPresent", "Never"));
            int j = 0;
            Set<String> portNames = new HashSet<>();
            for (JsonNode port : c.path("ports")) {
                String pp = p + ".ports[" + j++ + "]";
                JsonNode cp = port.path("containerPort");
                if (!cp.canConvertToInt() || cp.asInt() < 1 || cp.asInt() > 65535)
                    errors.invalid(pp + ".containerPort", cp.isMissingNode() ? 0 : cp.asText(), "must be between 1 and 65535, inclusive");
                String proto = port.path("protocol").asText("TCP");
                if (!List.of("TCP", "UDP", "SCTP").contains(proto))
                    errors.notSupported(pp + ".protocol", proto, List.of("SCTP", "TCP", "UDP"));
                String pn = port.path("name").asText("");
                if (!pn.isEmpty() && !portNames.add(pn)) errors.duplicate(pp + ".name", pn);
            }
            Quantities.validateResources(c.path("resources"), p + ".resources", errors);
        }
    }

    /** Defaults a pod template ({@code spec.template}) as a pod. */
    static void defaultTemplate(ObjectNode template) {
        defaultPodSpec(Json.with(template, "spec"));
    }
}
