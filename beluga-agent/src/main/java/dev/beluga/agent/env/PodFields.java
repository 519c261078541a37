package dev.beluga.agent.env;

import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Downward API {@code fieldRef} values of a pod, as the kubelet computes them.
 *
 * <p>{@link #forEnv} is the environment variable path (podFieldSelectorRuntimeValue): the field label is first checked
 * against the labels the API accepts for pods ({@code apiVersion} must be {@code v1}; empty counts as the API default
 * {@code v1}); {@code spec.nodeName}, {@code spec.serviceAccountName}, {@code status.hostIP(s)} and
 * {@code status.podIP(s)} come from the pod and the given addresses; everything else goes through
 * {@link #extract}, which knows only {@code metadata.*}, so for example {@code status.phase} passes the label check
 * but fails with {@code unsupported fieldPath: status.phase} exactly as upstream.
 *
 * <p>{@link #extract} is the downward API volume path (fieldpath.ExtractFieldPathAsString): {@code metadata.name},
 * {@code namespace}, {@code uid}, {@code labels}, {@code annotations} (whole maps as sorted {@code key="value"} lines,
 * values quoted like Go's {@code %q}) and subscripted {@code metadata.labels['k']} / {@code metadata.annotations['k']}
 * (an absent key gives the empty string). Errors are {@link IllegalArgumentException}s carrying the kubelet's message.
 * Pure functions.
 */
public final class PodFields {
    private static final Set<String> SUPPORTED_LABELS = Set.of("metadata.annotations", "metadata.labels", "metadata.name",
        "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName",
        "spec.schedulerName", "status.phase", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
        "spec.terminationGracePeriodSeconds");

    private PodFields() {
    }

    /**
     * The value of an environment variable's {@code fieldRef}. {@code podIPs} are in the order the agent prefers (the
     * first is {@code status.podIP}); {@code hostIPs} likewise.
     */
    public static String forEnv(Pod pod, ObjectFieldSelector ref, List<String> podIPs, List<String> hostIPs) {
        String path = convertLabel(ref.getApiVersion(), ref.getFieldPath());
        return switch (path) {
            case "spec.nodeName" -> nullToEmpty(pod.getSpec().getNodeName());
            case "spec.serviceAccountName" -> nullToEmpty(pod.getSpec().getServiceAccountName());
            case "status.hostIP" -> {
                if (hostIPs.isEmpty()) throw new IllegalArgumentException("host IP unknown; known addresses: []");
                yield hostIPs.getFirst();
            }
            case "status.hostIPs" -> {
                if (hostIPs.isEmpty()) throw new IllegalArgumentException("host IP unknown; known addresses: []");
                yield String.join(",", hostIPs);
            }
            case "status.podIP" -> podIPs.isEmpty() ? "" : podIPs.getFirst();
            case "status.podIPs" -> String.join(",", podIPs);
            default -> extract(pod, path);
        };
    }

    /** A {@code metadata.*} field of the pod (the downward API volume's reader). */
    public static String extract(Pod pod, String fieldPath) {
        var meta = pod.getMetadata();
        String[] sub = splitSubscript(fieldPath);
        if (sub != null) {
            return switch (sub[0]) {
                case "metadata.annotations" -> nullToEmpty(map(meta.getAnnotations()).get(sub[1]));
                case "metadata.labels" -> nullToEmpty(map(meta.getLabels()).get(sub[1]));
                default -> throw new IllegalArgumentException("fieldPath " + GoStrings.quote(fieldPath) + " does not support subscript");
            };
        }
        return switch (fieldPath) {
            case "metadata.annotations" -> formatMap(meta.getAnnotations());
            case "metadata.labels" -> formatMap(meta.getLabels());
            case "metadata.name" -> nullToEmpty(meta.getName());
            case "metadata.namespace" -> nullToEmpty(meta.getNamespace());
            case "metadata.uid" -> nullToEmpty(meta.getUid());
            default -> throw new IllegalArgumentException("unsupported fieldPath: " + fieldPath);
        };
    }

    /** Sorted {@code key="value"} lines joined by newlines, no trailing newline. */
    static String formatMap(Map<String, String> m) {
        StringBuilder b = new StringBuilder();
        for (var e : new TreeMap<>(map(m)).entrySet()) {
            if (!b.isEmpty()) b.append('\n');
            b.append(e.getKey()).append('=').append(GoStrings.quote(e.getValue() == null ? "" : e.getValue()));
        }
        return b.toString();
    }

    /** The API's field label check for pods (ConvertDownwardAPIFieldLabel); returns the internal label. */
    static String convertLabel(String apiVersion, String label) {
        String version = apiVersion == null || apiVersion.isEmpty() ? "v1" : apiVersion;
        if (!"v1".equals(version)) throw new IllegalArgumentException("unsupported pod version: " + version);
        String l = label == null ? "" : label;
        String[] sub = splitSubscript(l);
        if (sub != null) {
            if (sub[0].equals("metadata.annotations") || sub[0].equals("metadata.labels")) return l;
            throw new IllegalArgumentException("field label does not support subscript: " + l);
        }
        if (SUPPORTED_LABELS.contains(l)) return l;
        if (l.equals("spec.host")) return "spec.nodeName";
        throw new IllegalArgumentException("field label not supported: " + l);
    }

    /** {@code path['key']} as {path, key}, or null when not subscripted. */
    private static String[] splitSubscript(String fieldPath) {
        if (!fieldPath.endsWith("']")) return null;
        String s = fieldPath.substring(0, fieldPath.length() - 2);
        int open = s.indexOf("['");
        if (open <= 0) return null;
        return new String[] {s.substring(0, open), s.substring(open + 2)};
    }

    private static Map<String, String> map(Map<String, String> m) {
        return m == null ? Map.of() : m;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
