package dev.beluga.agent.env;

import java.util.List;

/**
 * The environment of one container: its variables in order, and the warnings worth an event on the pod (reason
 * {@link #WARNING_REASON}): {@code envFrom} keys that were skipped as invalid variable names.
 */
public record ResolvedEnv(List<EnvVariable> variables, List<String> warnings) {
    /** The event reason the kubelet uses for skipped {@code envFrom} keys. */
    public static final String WARNING_REASON = "InvalidEnvironmentVariableNames";

    public ResolvedEnv {
        variables = List.copyOf(variables);
        warnings = List.copyOf(warnings);
    }
}
