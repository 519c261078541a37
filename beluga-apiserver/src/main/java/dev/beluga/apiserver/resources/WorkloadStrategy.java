package dev.beluga.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.api.labels.LabelSelector;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.registry.FieldErrors;
import dev.beluga.apiserver.registry.Strategy;
import dev.beluga.apiserver.table.TableColumns;

import java.util.function.Consumer;

/**
 * Workloads with a pod template: Deployment, ReplicaSet, StatefulSet, DaemonSet, ReplicationController, Job. Defaults
 * the template as a pod, requires a selector that matches the template's labels, keeps the selector immutable, and
 * clears status on create.
 */
final class WorkloadStrategy implements Strategy {
    private final String kind;
    private final Consumer<ObjectNode> defaults;
    private final TableColumns table;
    private final boolean selectorRequired;

    WorkloadStrategy(String kind, Consumer<ObjectNode> defaults, TableColumns table, boolean selectorRequired) {
        this.kind = kind;
        this.defaults = defaults;
        this.table = table;
        this.selectorRequired = selectorRequired;
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.remove("status");
        ObjectNode spec = Json.with(obj, "spec");
        defaults.accept(spec);
        if (spec.get("template") instanceof ObjectNode t) PodSpecs.defaultTemplate(t);
        if (kind.equals("Job")) JobSelectors.generate(obj);
    }

    @Override
    public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
        ObjectNode spec = Json.with(obj, "spec");
        defaults.accept(spec);
        if (spec.get("template") instanceof ObjectNode t) PodSpecs.defaultTemplate(t);
    }

    @Override
    public void validate(ObjectNode obj, FieldErrors errors) {
        JsonNode spec = obj.path("spec");
        JsonNode selector = spec.path("selector");
        JsonNode templateLabels = spec.path("template").path("metadata").path("labels");
        if (selector.isMissingNode() || selector.isNull() || selector.isEmpty()) {
            if (selectorRequired) errors.required("spec.selector");
        } else if (kind.equals("ReplicationController")) {
            if (!templateLabels.isMissingNode() && !LabelSelector.fromJson(Json.object().<ObjectNode>set("matchLabels", selector)).matches(templateLabels))
                errors.invalid("spec.template.metadata.labels", templateLabels.toString(), "`selector` does not match template `labels`");
        } else {
            try {
                LabelSelector sel = LabelSelector.fromJson(selector);
                if (sel.isEmpty()) errors.invalid("spec.selector", selector.toString(), "empty selector is invalid for " + kind.toLowerCase());
                else if (!sel.matches(templateLabels))
                    errors.invalid("spec.template.metadata.labels", Cells.labels(templateLabels), "`selector` does not match template `labels`");
            } catch (RuntimeException e) {
                errors.invalid("spec.selector", selector.toString(), e.getMessage());
            }
        }
        JsonNode replicas = spec.path("replicas");
        if (!replicas.isMissingNode() && (!replicas.canConvertToInt() || replicas.asInt() < 0))
            errors.invalid("spec.replicas", replicas.asText(), "must be greater than or equal to 0");
        if (spec.has("template")) {
            PodSpecs.validatePodSpec(spec.path("template").path("spec"), "spec.template.spec", errors);
            String rp = spec.path("template").path("spec").path("restartPolicy").asText("Always");
            if (!kind.equals("Job") && !rp.equals("Always"))
                errors.notSupported("spec.template.spec.restartPolicy", rp, java.util.List.of("Always"));
            if (kind.equals("Job") && rp.equals("Always"))
                errors.notSupported("spec.template.spec.restartPolicy", rp, java.util.List.of("OnFailure", "Never"));
        } else if (!kind.equals("ReplicationController")) {
            errors.required("spec.template");
        }
    }

    @Override
    public void validateUpdate(ObjectNode obj, ObjectNode old, FieldErrors errors) {
        if (!kind.equals("ReplicationController") && !obj.path("spec").path("selector").equals(old.path("spec").path("selector")))
            errors.immutable("spec.selector");
        if (kind.equals("Job")) JobSelectors.validateUpdate(obj, old, errors);
    }

    @Override
    public TableColumns table() {
        return table;
    }
}
