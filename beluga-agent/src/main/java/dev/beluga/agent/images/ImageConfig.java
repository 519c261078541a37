package dev.beluga.agent.images;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The parts of an OCI image configuration ({@code application/vnd.oci.image.config.v1+json}) the built-in images
 * set: platform, entrypoint, default command, environment and working directory. No creation time or history is
 * recorded, so the config depends only on these values and the layers' diff IDs. Immutable.
 *
 * @param os           e.g. {@code linux}
 * @param architecture e.g. {@code amd64}
 * @param entrypoint   the process the container runs (may be empty)
 * @param cmd          its default arguments, or the command when {@code entrypoint} is empty
 * @param env          {@code NAME=value} strings
 * @param workingDir   the working directory, or empty for the runtime's default ({@code /})
 */
public record ImageConfig(String os, String architecture, List<String> entrypoint, List<String> cmd, List<String> env,
                          String workingDir) {
    public static final String MEDIA_TYPE = "application/vnd.oci.image.config.v1+json";
    /** The search path the built-in busybox image sets. */
    public static final String PATH_ENV = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";

    public ImageConfig {
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(architecture, "architecture");
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        workingDir = workingDir == null ? "" : workingDir;
        for (String e : env) {
            if (e.indexOf('=') <= 0) {
                throw new IllegalArgumentException("environment entries are NAME=value: '" + e + "'");
            }
        }
    }

    /** A linux/amd64 config. */
    public static ImageConfig linuxAmd64(List<String> entrypoint, List<String> cmd, List<String> env) {
        return new ImageConfig("linux", "amd64", entrypoint, cmd, env, "");
    }

    /** The config blob for an image whose layers have {@code diffIds} (bottom to top). */
    public byte[] toJson(List<String> diffIds) {
        Map<String, Object> container = new LinkedHashMap<>();
        if (!env.isEmpty()) {
            container.put("Env", env);
        }
        if (!entrypoint.isEmpty()) {
            container.put("Entrypoint", entrypoint);
        }
        if (!cmd.isEmpty()) {
            container.put("Cmd", cmd);
        }
        if (!workingDir.isEmpty()) {
            container.put("WorkingDir", workingDir);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("architecture", architecture);
        config.put("os", os);
        config.put("config", container);
        config.put("rootfs", Map.of("type", "layers", "diff_ids", List.copyOf(diffIds)));
        return Json.write(config);
    }
}
