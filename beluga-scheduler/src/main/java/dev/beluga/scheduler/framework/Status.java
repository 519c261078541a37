package dev.beluga.scheduler.framework;

import java.util.List;
import java.util.Objects;

/**
 * The result of running a plugin: a {@link Code}, the reasons users see (e.g. {@code "Insufficient cpu"}), the name
 * of the plugin that failed (filled in by the framework) and, for {@link Code#ERROR}, the cause.
 *
 * <p>Immutable and thread-safe; plugins may return shared constant statuses. {@link #SUCCESS} is the one success.
 */
public final class Status {
    /** Success with no reasons. */
    public static final Status SUCCESS = new Status(Code.SUCCESS, List.of(), null, null);
    private static final Status SKIP = new Status(Code.SKIP, List.of(), null, null);

    private final Code code;
    private final List<String> reasons;
    private final String plugin;
    private final Throwable error;

    private Status(Code code, List<String> reasons, String plugin, Throwable error) {
        this.code = code;
        this.reasons = reasons;
        this.plugin = plugin;
        this.error = error;
    }

    public static Status of(Code code, String... reasons) {
        if (code == Code.SUCCESS && reasons.length == 0) return SUCCESS;
        if (code == Code.SKIP && reasons.length == 0) return SKIP;
        return new Status(code, List.of(reasons), null, null);
    }

    public static Status of(Code code, List<String> reasons) {
        return new Status(code, List.copyOf(reasons), null, null);
    }

    public static Status unschedulable(String... reasons) {
        return of(Code.UNSCHEDULABLE, reasons);
    }

    public static Status unresolvable(String... reasons) {
        return of(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, reasons);
    }

    public static Status skip() {
        return SKIP;
    }

    public static Status error(Throwable t) {
        return new Status(Code.ERROR, List.of(String.valueOf(t.getMessage() == null ? t.toString() : t.getMessage())), null, t);
    }

    public static Status error(String message) {
        return new Status(Code.ERROR, List.of(message), null, new IllegalStateException(message));
    }

    /** Treats null as success, as upstream treats a nil {@code *Status}. */
    public static Status orSuccess(Status s) {
        return s == null ? SUCCESS : s;
    }

    public Code code() {
        return code;
    }

    public List<String> reasons() {
        return reasons;
    }

    /** The reasons joined by {@code ", "} (upstream {@code Status.Message()}). */
    public String message() {
        return reasons.isEmpty() ? "" : reasons.size() == 1 ? reasons.get(0) : String.join(", ", reasons);
    }

    /** The plugin that produced this status, or null. */
    public String plugin() {
        return plugin;
    }

    public Throwable error() {
        return error;
    }

    /** A copy naming the plugin (this instance when it already does). */
    public Status withPlugin(String name) {
        if (Objects.equals(name, plugin)) return this;
        return new Status(code, reasons, name, error);
    }

    public boolean isSuccess() {
        return code == Code.SUCCESS;
    }

    public boolean isSkip() {
        return code == Code.SKIP;
    }

    public boolean isWait() {
        return code == Code.WAIT;
    }

    /** Unschedulable, UnschedulableAndUnresolvable or Pending: the pod was rejected (not an error). */
    public boolean isRejected() {
        return code == Code.UNSCHEDULABLE || code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE || code == Code.PENDING;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Status s && s.code == code && s.reasons.equals(reasons) && Objects.equals(s.plugin, plugin);
    }

    @Override
    public int hashCode() {
        return code.hashCode() * 31 + reasons.hashCode();
    }

    @Override
    public String toString() {
        return code.upstreamName() + (reasons.isEmpty() ? "" : " " + reasons) + (plugin == null ? "" : " (" + plugin + ")");
    }
}
