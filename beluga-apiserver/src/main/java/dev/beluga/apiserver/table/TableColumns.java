package dev.beluga.apiserver.table;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The columns {@code kubectl get} prints for one kind, with a function computing each cell from the object. Cells
 * are strings or numbers, as upstream's printers produce them; columns with priority 1 show only with
 * {@code -o wide}.
 */
public record TableColumns(List<Column> columns) {

    public record Column(String name, String type, String format, String description, int priority,
                         Function<ObjectNode, Object> cell) {
    }

    /** Name and Age: what upstream prints for a kind with no printer of its own. */
    public static final TableColumns DEFAULT = builder().build();

    public static Builder builder() {
        return new Builder();
    }

    /** Builds columns; Name first, Age wherever {@link #age()} is called (appended last when never called). */
    public static final class Builder {
        private final List<Column> columns = new ArrayList<>();
        private boolean age;

        private Builder() {
            columns.add(new Column("Name", "string", "name",
                "Name must be unique within a namespace.", 0, o -> o.path("metadata").path("name").asText()));
        }

        public Builder column(String name, String description, Function<ObjectNode, Object> cell) {
            columns.add(new Column(name, "string", "", description, 0, cell));
            return this;
        }

        public Builder number(String name, String description, Function<ObjectNode, Object> cell) {
            columns.add(new Column(name, "integer", "", description, 0, cell));
            return this;
        }

        public Builder wide(String name, String description, Function<ObjectNode, Object> cell) {
            columns.add(new Column(name, "string", "", description, 1, cell));
            return this;
        }

        /**
         * The wide columns of a workload's pod template ({@code spec.template.spec}): Containers and Images, and the
         * Selector ({@code spec.selector}) when asked.
         */
        public Builder templateColumns(boolean selector) {
            wide("Containers", "Names of each container in the template.", o -> joined(o, "name"));
            wide("Images", "Images referenced by each container in the template.", o -> joined(o, "image"));
            if (selector) wide("Selector", "Label selector for pods.", o -> dev.beluga.apiserver.Selectors.format(o.path("spec").path("selector")));
            return this;
        }

        private static String joined(ObjectNode o, String field) {
            java.util.List<String> out = new ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode c : o.path("spec").path("template").path("spec").path("containers"))
                out.add(c.path(field).asText());
            return String.join(",", out);
        }

        public Builder age() {
            age = true;
            columns.add(ageColumn());
            return this;
        }

        public TableColumns build() {
            List<Column> out = new ArrayList<>(columns);
            if (!age) out.add(ageColumn());
            return new TableColumns(List.copyOf(out));
        }

        private static Column ageColumn() {
            return new Column("Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created.",
                0, o -> Durations.age(o.path("metadata").path("creationTimestamp").asText(null), Instant.now()));
        }
    }
}
