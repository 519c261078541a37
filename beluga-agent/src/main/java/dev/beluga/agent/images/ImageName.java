package dev.beluga.agent.images;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A fully qualified, tagged image name as containerd's CRI plugin stores it after normalisation:
 * {@code <registry>/<repository>:<tag>}, e.g. {@code docker.io/library/busybox:1.35}. The registry part is required
 * (a first component with a dot or a port, or {@code localhost}), so that the name written into an archive is exactly
 * the name CRI reports and finds; digests ({@code @sha256:...}) are not names here.
 *
 * @param name the full name
 * @param tag  the part after the last colon of the last path component
 */
public record ImageName(String name, String tag) {
    private static final Pattern REGISTRY = Pattern.compile("(localhost|[a-z0-9-]+(\\.[a-z0-9-]+)+)(:[0-9]+)?"
            + "|[a-z0-9-]+:[0-9]+");
    private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    public ImageName {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tag, "tag");
    }

    /**
     * Parses and checks a full name.
     *
     * @throws IllegalArgumentException when {@code name} is not of the form {@code registry/repository:tag}
     */
    public static ImageName parse(String name) {
        Objects.requireNonNull(name, "name");
        int slash = name.indexOf('/');
        int colon = name.lastIndexOf(':');
        if (slash <= 0 || colon < name.lastIndexOf('/') || name.contains("@")) {
            throw new IllegalArgumentException("not a full, tagged image name (registry/repository:tag): '" + name + "'");
        }
        String registry = name.substring(0, slash);
        String repository = name.substring(slash + 1, colon);
        String tag = name.substring(colon + 1);
        if (!REGISTRY.matcher(registry).matches()) {
            throw new IllegalArgumentException("image name '" + name + "' does not start with a registry host"
                    + " (e.g. docker.io/library/busybox:1.35)");
        }
        for (String component : repository.split("/", -1)) {
            if (!PATH_COMPONENT.matcher(component).matches()) {
                throw new IllegalArgumentException("image name '" + name + "': invalid repository component '"
                        + component + "'");
            }
        }
        if (!TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("image name '" + name + "': invalid tag '" + tag + "'");
        }
        return new ImageName(name, tag);
    }

    @Override
    public String toString() {
        return name;
    }
}
