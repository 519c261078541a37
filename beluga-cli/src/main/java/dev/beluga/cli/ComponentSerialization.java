package dev.beluga.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The JSON serialization of the control-plane components' fabric8 clients (scheduler, controller manager, hollow
 * nodes): fabric8's own, except that Jackson does not canonicalize field names.
 *
 * <p>Why: Jackson keeps the field names it parsed in one shared symbol table, and a parser that meets a name the table
 * lacks first copies the whole table. Pods' {@code managedFields} carry one name per pod that no other pod has — the
 * kubelet's {@code k:{"ip":"10.x.y.z"}} under {@code f:podIPs} — so at thousands of pods nearly every watch event
 * copied a table of up to 6,000 names (Jackson then resets it and it grows again): ~13 % of the controller manager's
 * CPU in {@code beluga bench controllers}. Without canonicalization each field name is a fresh short string instead.
 *
 * <p>Thread-safe; one shared instance.
 */
public final class ComponentSerialization {
    /** The shared instance. */
    public static final KubernetesSerialization INSTANCE =
        new KubernetesSerialization(new ObjectMapper(JsonFactory.builder().disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build()), true);

    private ComponentSerialization() {
    }
}
