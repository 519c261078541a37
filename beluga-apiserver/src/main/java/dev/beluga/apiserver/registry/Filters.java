package dev.beluga.apiserver.registry;

import dev.beluga.api.fields.FieldSelector;
import dev.beluga.api.labels.InvalidSelectorException;
import dev.beluga.api.labels.LabelSelector;
import dev.beluga.apiserver.StatusException;


/** Turns the label and field selectors of a request into an {@link ObjectFilter} for a resource type. */
public final class Filters {
    private Filters() {
    }

    public static ObjectFilter of(ResourceType type, String labelSelector, String fieldSelector) {
        LabelSelector labels = null;
        FieldSelector fields = null;
        try {
            if (labelSelector != null && !labelSelector.isBlank()) labels = LabelSelector.parse(labelSelector);
            if (fieldSelector != null && !fieldSelector.isBlank()) fields = FieldSelector.parse(fieldSelector);
        } catch (InvalidSelectorException e) {
            throw StatusException.badRequest(e.getMessage());
        }
        if (fields != null) {
            for (var r : fields.requirements()) {
                String f = r.field();
                if (!f.equals("metadata.name") && !f.equals("metadata.namespace")
                    && !knownField(type, f))
                    throw StatusException.badRequest("field label not supported: " + f);
            }
        }
        if (labels == null && fields == null) return ObjectFilter.ALL;
        LabelSelector l = labels;
        FieldSelector fs = fields;
        return o -> (l == null || l.matches(o.labels())) && (fs == null || fs.matches(o::field));
    }

    private static boolean knownField(ResourceType type, String field) {
        return type.strategy().selectableFieldNames().contains(field);
    }
}
