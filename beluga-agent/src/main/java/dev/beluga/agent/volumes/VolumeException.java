package dev.beluga.agent.volumes;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A volume cannot be set up, refreshed or mounted into a container; the message is the kubelet's for the same cause
 * where it has one. For {@link PodVolumes#setUp} failures {@link #failures()} holds, per volume name, the message the
 * kubelet puts after {@code MountVolume.SetUp failed for volume "NAME" : } in its FailedMount event.
 */
public class VolumeException extends Exception {
    private final Map<String, String> failures;

    public VolumeException(String message) {
        super(message);
        this.failures = Map.of();
    }

    public VolumeException(String message, Throwable cause) {
        super(message, cause);
        this.failures = Map.of();
    }

    /** One exception for several volumes, in the order given. */
    public VolumeException(Map<String, String> failures) {
        super(describe(failures));
        this.failures = Map.copyOf(failures);
    }

    /** Volume name to message; empty when the exception is not about {@code setUp} of named volumes. */
    public Map<String, String> failures() {
        return failures;
    }

    private static String describe(Map<String, String> failures) {
        StringBuilder b = new StringBuilder();
        new LinkedHashMap<>(failures).forEach((name, msg) -> {
            if (!b.isEmpty()) b.append("; ");
            b.append("MountVolume.SetUp failed for volume \"").append(name).append("\" : ").append(msg);
        });
        return b.toString();
    }
}
