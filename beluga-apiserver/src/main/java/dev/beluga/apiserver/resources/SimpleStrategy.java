package dev.beluga.apiserver.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.registry.FieldErrors;
import dev.beluga.apiserver.registry.Strategy;
import dev.beluga.apiserver.table.TableColumns;

import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A strategy assembled from parts, for the many kinds whose rules are small: defaults on create, validation, table
 * columns, selectable fields, whether generation is tracked, and the name rule.
 */
final class SimpleStrategy implements Strategy {
    private final Consumer<ObjectNode> defaults;
    private final BiConsumer<ObjectNode, FieldErrors> validation;
    private final TableColumns table;
    private final boolean generation;
    private final NameRule nameRule;
    private final Function<ObjectNode, Map<String, String>> fields;
    private final Set<String> fieldNames;
    private final boolean clearStatusOnCreate;

    private SimpleStrategy(Builder b) {
        this.defaults = b.defaults;
        this.validation = b.validation;
        this.table = b.table;
        this.generation = b.generation;
        this.nameRule = b.nameRule;
        this.fields = b.fields;
        this.fieldNames = b.fieldNames;
        this.clearStatusOnCreate = b.clearStatusOnCreate;
    }

    static Builder builder() {
        return new Builder();
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        if (clearStatusOnCreate) obj.remove("status");
        defaults.accept(obj);
    }

    @Override
    public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
        defaults.accept(obj);
    }

    @Override
    public void validate(ObjectNode obj, FieldErrors errors) {
        validation.accept(obj, errors);
    }

    @Override
    public TableColumns table() {
        return table;
    }

    @Override
    public boolean tracksGeneration() {
        return generation;
    }

    @Override
    public NameRule nameRule() {
        return nameRule;
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode obj) {
        return fields.apply(obj);
    }

    @Override
    public Set<String> selectableFieldNames() {
        return fieldNames;
    }

    static final class Builder {
        private Consumer<ObjectNode> defaults = o -> { };
        private BiConsumer<ObjectNode, FieldErrors> validation = (o, e) -> { };
        private TableColumns table = TableColumns.DEFAULT;
        private boolean generation;
        private NameRule nameRule = NameRule.SUBDOMAIN;
        private Function<ObjectNode, Map<String, String>> fields = o -> Map.of();
        private Set<String> fieldNames = Set.of();
        private boolean clearStatusOnCreate;

        Builder defaults(Consumer<ObjectNode> d) {
            defaults = d;
            return this;
        }

        Builder validation(BiConsumer<ObjectNode, FieldErrors> v) {
            validation = v;
            return this;
        }

        Builder table(TableColumns t) {
            table = t;
            return this;
        }

        Builder generation() {
            generation = true;
            return this;
        }

        Builder clearStatusOnCreate() {
            clearStatusOnCreate = true;
            return this;
        }

        Builder nameRule(NameRule r) {
            nameRule = r;
            return this;
        }

        Builder fields(Set<String> names, Function<ObjectNode, Map<String, String>> f) {
            fieldNames = names;
            fields = f;
            return this;
        }

        SimpleStrategy build() {
            return new SimpleStrategy(this);
        }
    }
}
