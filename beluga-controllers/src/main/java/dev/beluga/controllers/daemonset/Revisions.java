package dev.beluga.controllers.daemonset;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;


/**
 * ControllerRevisions of DaemonSets: the template hash (see {@link dev.beluga.controllers.runtime.TemplateHash}) and
 * the revision's data. Stateless.
 */
final class Revisions {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Revisions() {
    }

    static String hash(PodTemplateSpec template, int collisionCount) {
        return dev.beluga.controllers.runtime.TemplateHash.of(template, collisionCount);
    }

    /** The template as ControllerRevision data ({@code {"spec":{"template":...}}}, as upstream stores a DaemonSet patch). */
    static ObjectNode data(PodTemplateSpec template) {
        ObjectNode data = JSON.createObjectNode();
        ObjectNode spec = data.putObject("spec");
        ObjectNode t = JSON.valueToTree(template);
        t.put("$patch", "replace");
        spec.set("template", t);
        return data;
    }
}
