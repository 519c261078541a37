package dev.beluga.apiserver.registry;

import java.util.regex.Pattern;

/** Validation of object names, label keys and values, as upstream's apimachinery validation. */
public final class Names {
    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS1123_SUBDOMAIN =
        Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

    private Names() {
    }

    /** Null when valid, else the upstream error text. */
    public static String checkSubdomain(String name) {
        if (name.length() > 253) return "must be no more than 253 characters";
        if (!DNS1123_SUBDOMAIN.matcher(name).matches())
            return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
        return null;
    }

    public static String checkLabel(String name) {
        if (name.length() > 63) return "must be no more than 63 characters";
        if (!DNS1123_LABEL.matcher(name).matches())
            return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
        return null;
    }

    public static String checkPathSegment(String name) {
        if (name.equals(".") || name.equals("..")) return "may not be '" + name + "'";
        if (name.contains("/") || name.contains("%")) return "may not contain '/' or '%'";
        return null;
    }

    /** Label or annotation key: optional DNS subdomain prefix and '/', then a qualified name. */
    public static String checkQualifiedKey(String key) {
        String name = key;
        int slash = key.indexOf('/');
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            if (prefix.isEmpty()) return "prefix part must be non-empty";
            String p = checkSubdomain(prefix);
            if (p != null) return "prefix part " + p;
        }
        if (name.isEmpty()) return "name part must be non-empty";
        if (name.length() > 63) return "name part must be no more than 63 characters";
        if (!QUALIFIED_NAME.matcher(name).matches())
            return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
        return null;
    }

    public static String checkLabelValue(String value) {
        if (value.length() > 63) return "must be no more than 63 characters";
        if (!LABEL_VALUE.matcher(value).matches())
            return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
        return null;
    }
}
