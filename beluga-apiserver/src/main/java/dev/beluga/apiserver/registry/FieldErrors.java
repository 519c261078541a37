package dev.beluga.apiserver.registry;

import dev.beluga.apiserver.StatusException;

import java.util.ArrayList;
import java.util.List;

/** Collects validation errors with their field paths, in the words upstream uses. */
public final class FieldErrors {
    private final List<StatusException.Cause> causes = new ArrayList<>();

    public FieldErrors required(String field) {
        return add("FieldValueRequired", "Required value", field);
    }

    public FieldErrors required(String field, String detail) {
        return add("FieldValueRequired", "Required value: " + detail, field);
    }

    public FieldErrors invalid(String field, Object value, String detail) {
        return add("FieldValueInvalid", "Invalid value: " + quote(value) + ": " + detail, field);
    }

    public FieldErrors notSupported(String field, Object value, List<String> supported) {
        StringBuilder sb = new StringBuilder("Unsupported value: " + quote(value) + ": supported values: ");
        for (int i = 0; i < supported.size(); i++) sb.append(i > 0 ? ", " : "").append('"').append(supported.get(i)).append('"');
        return add("FieldValueNotSupported", sb.toString(), field);
    }

    public FieldErrors duplicate(String field, Object value) {
        return add("FieldValueDuplicate", "Duplicate value: " + quote(value), field);
    }

    public FieldErrors forbidden(String field, String detail) {
        return add("FieldValueForbidden", "Forbidden: " + detail, field);
    }

    public FieldErrors immutable(String field) {
        return add("FieldValueInvalid", "Invalid value: field is immutable", field);
    }

    public FieldErrors tooLong(String field, int max) {
        return add("FieldValueTooLong", "Too long: may not be more than " + max + " bytes", field);
    }

    public FieldErrors add(String reason, String message, String field) {
        causes.add(new StatusException.Cause(reason, message, field));
        return this;
    }

    public boolean isEmpty() {
        return causes.isEmpty();
    }

    public List<StatusException.Cause> causes() {
        return causes;
    }

    private static String quote(Object v) {
        if (v == null) return "null";
        if (v instanceof String s) return "\"" + s + "\"";
        return String.valueOf(v);
    }
}
