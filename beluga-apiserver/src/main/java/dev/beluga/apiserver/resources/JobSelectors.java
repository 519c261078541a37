package dev.beluga.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.registry.FieldErrors;

/**
 * The Job-specific parts of the Job strategy, as upstream's: unless {@code spec.manualSelector} is true, a Job gets a
 * selector on its own UID ({@code batch.kubernetes.io/controller-uid}) and its template the labels
 * {@code batch.kubernetes.io/controller-uid}, {@code batch.kubernetes.io/job-name} and their legacy forms
 * {@code controller-uid}, {@code job-name}; so a Job never selects another Job's pods. The pod template and
 * completions are immutable once created (the template's scheduling directives may change only while suspended,
 * which Beluga does not allow yet). Stateless.
 */
final class JobSelectors {
    static final String UID_LABEL = "batch.kubernetes.io/controller-uid";
    static final String NAME_LABEL = "batch.kubernetes.io/job-name";

    private JobSelectors() {
    }

    /** Sets the generated selector and template labels; the object already has its UID and name. */
    static void generate(ObjectNode job) {
        ObjectNode spec = Json.with(job, "spec");
        if (spec.path("manualSelector").asBoolean(false)) return;
        String uid = job.path("metadata").path("uid").asText();
        String name = job.path("metadata").path("name").asText();
        ObjectNode labels = Json.with(Json.with(Json.with(spec, "template"), "metadata"), "labels");
        labels.put(UID_LABEL, uid).put(NAME_LABEL, name).put("controller-uid", uid).put("job-name", name);
        if (!spec.path("selector").isObject() || spec.path("selector").isEmpty()) {
            ObjectNode selector = spec.putObject("selector");
            selector.putObject("matchLabels").put(UID_LABEL, uid);
        }
    }

    static void validateUpdate(ObjectNode job, ObjectNode old, FieldErrors errors) {
        JsonNode spec = job.path("spec");
        JsonNode oldSpec = old.path("spec");
        if (!spec.path("template").equals(oldSpec.path("template"))) errors.immutable("spec.template");
        if (!spec.path("completions").equals(oldSpec.path("completions"))) errors.immutable("spec.completions");
        if (!spec.path("completionMode").equals(oldSpec.path("completionMode"))) errors.immutable("spec.completionMode");
    }
}
