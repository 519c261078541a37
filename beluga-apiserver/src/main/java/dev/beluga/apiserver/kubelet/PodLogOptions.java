package dev.beluga.apiserver.kubelet;

import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.http.Exchange;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The query of {@code GET .../pods/{name}/log}: a v1 PodLogOptions as the API server decodes, validates and forwards
 * it to the kubelet (upstream {@code LogREST.Get} and {@code LogLocation}). Immutable.
 *
 * <ul>
 *   <li>Decoding: flags are false when absent, {@code 0} or {@code false} (any case) and true otherwise (the empty
 *       value too); integers that do not parse are 400 with Go's {@code strconv.ParseInt} message; a
 *       {@code sinceTime} that is not RFC 3339 is 400 (the message imitates Go's {@code time.Parse} error, not
 *       byte for byte). {@code stream} is not read (its feature gate is off in 1.32).</li>
 *   <li>{@link #validate}: 422 Invalid {@code PodLogOptions "<name>"} with upstream's field errors.</li>
 *   <li>{@link #kubeletQuery()}: the parameters for the kubelet, sorted by name as Go's {@code url.Values} encodes
 *       them, {@code sinceTime} at second precision.</li>
 * </ul>
 */
record PodLogOptions(String container, boolean follow, boolean previous, boolean timestamps, Long sinceSeconds,
                     Instant sinceTime, Long tailLines, Long limitBytes, boolean insecureSkipTLSVerifyBackend) {

    /** Decodes the query; 400 BadRequest when a value does not parse. */
    static PodLogOptions parse(Exchange ex) {
        return new PodLogOptions(ex.query("container") == null ? "" : ex.query("container"), flag(ex, "follow"), flag(ex, "previous"),
            flag(ex, "timestamps"), integer(ex, "sinceSeconds"), time(ex, "sinceTime"), integer(ex, "tailLines"),
            integer(ex, "limitBytes"), flag(ex, "insecureSkipTLSVerifyBackend"));
    }

    /** Upstream's {@code ValidatePodLogOptions}: 422 naming every invalid field. */
    void validate(String podName) {
        List<StatusException.Cause> causes = new ArrayList<>();
        if (tailLines != null && tailLines < 0)
            causes.add(invalid("tailLines", tailLines, "must be greater than or equal to 0"));
        if (limitBytes != null && limitBytes < 1)
            causes.add(invalid("limitBytes", limitBytes, "must be greater than 0"));
        if (sinceSeconds != null && sinceTime != null) {
            causes.add(new StatusException.Cause("FieldValueForbidden", "Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified", ""));
        } else if (sinceSeconds != null && sinceSeconds < 1) {
            causes.add(invalid("sinceSeconds", sinceSeconds, "must be greater than 0"));
        }
        if (!causes.isEmpty()) throw StatusException.invalid("", "PodLogOptions", podName, causes);
    }

    /** The query string for the kubelet's {@code /containerLogs} (without the container, which is in the path). */
    String kubeletQuery() {
        List<String> params = new ArrayList<>();
        if (follow) params.add("follow=true");
        if (limitBytes != null) params.add("limitBytes=" + limitBytes);
        if (previous) params.add("previous=true");
        if (sinceSeconds != null) params.add("sinceSeconds=" + sinceSeconds);
        if (sinceTime != null)
            params.add("sinceTime=" + URLEncoder.encode(DateTimeFormatter.ISO_INSTANT.format(sinceTime.truncatedTo(ChronoUnit.SECONDS)), StandardCharsets.UTF_8));
        if (tailLines != null) params.add("tailLines=" + tailLines);
        if (timestamps) params.add("timestamps=true");
        return String.join("&", params);
    }

    private static StatusException.Cause invalid(String field, long value, String detail) {
        return new StatusException.Cause("FieldValueInvalid", "Invalid value: " + value + ": " + detail, field);
    }

    private static boolean flag(Exchange ex, String name) {
        String v = ex.query(name);
        if (v == null) return false;
        return !(v.equals("0") || v.toLowerCase(Locale.ROOT).equals("false"));
    }

    private static Long integer(Exchange ex, String name) {
        String v = ex.query(name);
        if (v == null) return null;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            boolean digits = v.matches("[+-]?[0-9]+");
            throw StatusException.badRequest("strconv.ParseInt: parsing " + quote(v) + ": " + (digits ? "value out of range" : "invalid syntax"));
        }
    }

    private static Instant time(Exchange ex, String name) {
        String v = ex.query(name);
        if (v == null || v.isEmpty()) return null;
        try {
            return OffsetDateTime.parse(v, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw StatusException.badRequest("parsing time " + quote(v) + " as \"2006-01-02T15:04:05Z07:00\": cannot parse " + quote(v)
                + " as \"2006\"");
        }
    }

    /** Go's {@code %q} for the common cases: double quotes, backslash escapes. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\x%02x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
