package dev.beluga.agent.images;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A built-in image archive ready for import.
 *
 * @param names          its full names, as containerd and CRI will report them
 * @param archive        the OCI archive file
 * @param imageId        the config digest ({@code sha256:...}): the image ID CRI reports for every name
 * @param manifestDigest the digest of its manifest (the {@code RepoDigests} part)
 * @param reused         true when the cached archive was still valid and nothing was built
 */
public record BuiltImage(List<String> names, Path archive, String imageId, String manifestDigest, boolean reused) {
    public BuiltImage {
        names = List.copyOf(names);
        Objects.requireNonNull(archive, "archive");
        Objects.requireNonNull(imageId, "imageId");
        Objects.requireNonNull(manifestDigest, "manifestDigest");
    }
}
