package dev.beluga.apiserver.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.registry.FieldErrors;
import dev.beluga.apiserver.registry.Strategy;
import dev.beluga.apiserver.table.TableColumns;

import java.util.Map;
import java.util.Set;

/**
 * A {@link Strategy} that hands every call to another one: the base of admission plugins written as wrappers around a
 * resource's strategy ({@link DefaultStorageClass}, {@link ServiceAccountAdmission}), which override what they add to.
 * Stateless and thread-safe when the wrapped strategy is.
 */
abstract class DelegatingStrategy implements Strategy {
    protected final Strategy inner;

    DelegatingStrategy(Strategy inner) {
        this.inner = inner;
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        inner.prepareForCreate(obj);
    }

    @Override
    public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
        inner.prepareForUpdate(obj, old);
    }

    @Override
    public void validate(ObjectNode obj, FieldErrors errors) {
        inner.validate(obj, errors);
    }

    @Override
    public void validateUpdate(ObjectNode obj, ObjectNode old, FieldErrors errors) {
        inner.validateUpdate(obj, old, errors);
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode obj) {
        return inner.selectableFields(obj);
    }

    @Override
    public Set<String> selectableFieldNames() {
        return inner.selectableFieldNames();
    }

    @Override
    public Long gracePeriod(ObjectNode obj, Long requested) {
        return inner.gracePeriod(obj, requested);
    }

    @Override
    public boolean retainOnDelete(ObjectNode obj) {
        return inner.retainOnDelete(obj);
    }

    @Override
    public TableColumns table() {
        return inner.table();
    }

    @Override
    public boolean tracksGeneration() {
        return inner.tracksGeneration();
    }

    @Override
    public NameRule nameRule() {
        return inner.nameRule();
    }
}
