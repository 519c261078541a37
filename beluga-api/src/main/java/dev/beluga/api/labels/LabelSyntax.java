package dev.beluga.api.labels;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The syntax of label keys and values, as upstream validates them (k8s.io/apimachinery api/validate/content
 * {@code IsLabelKey} and {@code IsLabelValue}).
 *
 * <ul>
 *   <li>A key is an optional prefix and '/' and a name. The prefix is a lowercase RFC 1123 subdomain of at most 253
 *       bytes; the name is at most 63 bytes of {@code ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]}.</li>
 *   <li>A value is empty or at most 63 bytes of the same pattern.</li>
 * </ul>
 *
 * <p>Each method returns the problems found, worded as upstream words them; an empty list means valid.
 */
public final class LabelSyntax {
    private static final String NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private static final String NAME_MSG =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private static final String VALUE_FMT = "(" + NAME_FMT + ")?";
    private static final String VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric characters, "
        + "'-', '_' or '.', and must start and end with an alphanumeric character";
    private static final String SUBDOMAIN_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final String SUBDOMAIN_FMT = SUBDOMAIN_LABEL_FMT + "(\\." + SUBDOMAIN_LABEL_FMT + ")*";
    private static final String SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
        + "characters, '-' or '.', and must start and end with an alphanumeric character";

    private static final Pattern NAME = Pattern.compile(NAME_FMT);
    private static final Pattern VALUE = Pattern.compile(VALUE_FMT);
    private static final Pattern SUBDOMAIN = Pattern.compile(SUBDOMAIN_FMT);

    private static final int NAME_MAX = 63;
    private static final int VALUE_MAX = 63;
    private static final int PREFIX_MAX = 253;

    private LabelSyntax() {
    }

    /** The problems with a label key; empty when it is valid. */
    public static List<String> keyErrors(String key) {
        List<String> errs = new ArrayList<>();
        String[] parts = key.split("/", -1);
        String name;
        switch (parts.length) {
            case 1 -> name = parts[0];
            case 2 -> {
                String prefix = parts[0];
                name = parts[1];
                if (prefix.isEmpty()) errs.add("prefix part must be non-empty");
                else for (String e : subdomainErrors(prefix)) errs.add("prefix part " + e);
            }
            default -> {
                errs.add("a valid label key " + regexError(NAME_MSG, NAME_FMT, "MyName", "my.name", "123-abc")
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
                return errs;
            }
        }
        if (name.isEmpty()) errs.add("name part must be non-empty");
        else if (bytes(name) > NAME_MAX) errs.add("name part " + maxLenError(NAME_MAX));
        if (!NAME.matcher(name).matches()) errs.add("name part " + regexError(NAME_MSG, NAME_FMT, "MyName", "my.name", "123-abc"));
        return errs;
    }

    /** The problems with a label value; empty when it is valid. */
    public static List<String> valueErrors(String value) {
        List<String> errs = new ArrayList<>();
        if (bytes(value) > VALUE_MAX) errs.add(maxLenError(VALUE_MAX));
        if (!VALUE.matcher(value).matches()) errs.add(regexError(VALUE_MSG, VALUE_FMT, "MyValue", "my_value", "12345"));
        return errs;
    }

    private static List<String> subdomainErrors(String value) {
        List<String> errs = new ArrayList<>();
        if (bytes(value) > PREFIX_MAX) errs.add(maxLenError(PREFIX_MAX));
        if (!SUBDOMAIN.matcher(value).matches()) errs.add(regexError(SUBDOMAIN_MSG, SUBDOMAIN_FMT, "example.com"));
        return errs;
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String maxLenError(int max) {
        return "must be no more than " + max + " bytes";
    }

    private static String regexError(String msg, String regex, String... examples) {
        StringBuilder sb = new StringBuilder(msg).append(" (e.g. ");
        for (int i = 0; i < examples.length; i++) {
            if (i > 0) sb.append(" or ");
            sb.append('\'').append(examples[i]).append("', ");
        }
        return sb.append("regex used for validation is '").append(regex).append("')").toString();
    }
}
