package dev.beluga.agent.server;

import dev.beluga.agent.logs.CriTimestamp;
import dev.beluga.agent.logs.LogOptions;
import dev.beluga.agent.logs.LogStream;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The query of {@code GET /containerLogs/...} read as the kubelet reads it (upstream {@code getContainerLogs}: the
 * v1 PodLogOptions parameter codec, then {@code ValidatePodLogOptions}, then {@code logs.NewLogOptions}).
 *
 * <ul>
 *   <li>Flags ({@code follow}, {@code previous}, {@code timestamps}) are false when absent, {@code 0} or
 *       {@code false} (any case), true for any other value, the empty one included.</li>
 *   <li>{@code tailLines}, {@code limitBytes}, {@code sinceSeconds} are 64-bit integers, {@code sinceTime} is RFC
 *       3339; the legacy {@code tail} stands for {@code tailLines} ({@code tail=all}: no tail). A value that does not
 *       parse: 400 {@code {"message": "Unable to decode query."}}.</li>
 *   <li>A negative tail, a limit below 1, a sinceSeconds below 1, both sinceSeconds and sinceTime, an unknown
 *       {@code stream}, or a specific stream with a tail: 422 {@code {"message": "Invalid request."}}.</li>
 *   <li>{@code since} becomes the later of now minus sinceSeconds and sinceTime.</li>
 * </ul>
 * Unknown parameters are ignored. Stateless.
 *
 * @param options  what to copy
 * @param previous whether the previous container instance is asked for
 */
record ContainerLogQuery(LogOptions options, boolean previous) {
    static final String UNDECODABLE = "{\"message\": \"Unable to decode query.\"}";
    static final String INVALID = "{\"message\": \"Invalid request.\"}";

    /**
     * Reads the query parameters (each name with its values in order).
     *
     * @throws KubeletError 400 or 422 as described above
     */
    static ContainerLogQuery parse(Map<String, List<String>> query, Clock clock) {
        String tail = first(query, "tail");
        String tailLines = first(query, "tailLines");
        if (tail != null && !tail.isEmpty()) tailLines = tail.equals("all") ? null : tail;
        Long tailN = integer(tailLines);
        Long limit = integer(first(query, "limitBytes"));
        Long sinceSeconds = integer(first(query, "sinceSeconds"));
        String sinceTimeText = first(query, "sinceTime");
        Instant sinceTime = null;
        if (sinceTimeText != null && !sinceTimeText.isEmpty()) {
            CriTimestamp t = CriTimestamp.parse(sinceTimeText);
            if (t == null) throw new KubeletError(400, UNDECODABLE);
            sinceTime = t.instant();
        }
        String streamText = first(query, "stream");
        LogStream stream = LogStream.ALL;
        boolean invalid = (tailN != null && tailN < 0) || (limit != null && limit < 1)
            || (sinceSeconds != null && sinceTime != null) || (sinceSeconds != null && sinceSeconds < 1);
        if (streamText != null) {
            stream = LogStream.ofApiName(streamText);
            invalid |= stream == null || (stream != LogStream.ALL && tailN != null);
        }
        if (invalid) throw new KubeletError(422, INVALID);
        Instant since = null;
        if (sinceSeconds != null) since = clock.instant().minusSeconds(sinceSeconds);
        if (sinceTime != null && (since == null || sinceTime.isAfter(since))) since = sinceTime;
        LogOptions options = new LogOptions(tailN == null ? -1 : tailN, since, flag(query, "timestamps"),
            limit == null ? -1 : limit, flag(query, "follow"), stream);
        return new ContainerLogQuery(options, flag(query, "previous"));
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    private static boolean flag(Map<String, List<String>> query, String name) {
        String v = first(query, name);
        if (v == null) return false;
        return !(v.equals("0") || v.toLowerCase(Locale.ROOT).equals("false"));
    }

    private static Long integer(String v) {
        if (v == null) return null;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new KubeletError(400, UNDECODABLE);
        }
    }
}
