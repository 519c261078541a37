package dev.beluga.agent.images;

import java.util.Objects;

/**
 * One entry of an image's root filesystem: a directory, a regular file or a symbolic link, owned by root (uid and gid
 * 0). Paths are relative to the root ({@code bin/sh}); a leading {@code /} is accepted and dropped.
 *
 * <p>Paths must be plain: printable ASCII without spaces, no empty, {@code .} or {@code ..} components, at most
 * {@value #MAX_PATH_LENGTH} characters (the ustar name field, so every archive is a plain ustar file without
 * extension headers); the same limit holds for symlink targets. Construction throws
 * {@link IllegalArgumentException} otherwise.
 *
 * <p>Immutable, except that a {@link RegularFile}'s content array is shared, not copied: callers must not modify it.
 */
public sealed interface RootfsEntry permits RootfsEntry.Directory, RootfsEntry.RegularFile, RootfsEntry.Symlink {
    /** Longest path (and symlink target) accepted. */
    int MAX_PATH_LENGTH = 100;

    /** The normalised relative path, without a trailing slash. */
    String path();

    /** A directory with permission bits {@code mode} (e.g. {@code 0755}, {@code 01777}). */
    static Directory directory(String path, int mode) {
        return new Directory(path, mode);
    }

    /** A regular file with permission bits {@code mode}. */
    static RegularFile file(String path, int mode, byte[] content) {
        return new RegularFile(path, mode, content);
    }

    /** A symbolic link to {@code target} (relative or absolute, not checked to exist). */
    static Symlink symlink(String path, String target) {
        return new Symlink(path, target);
    }

    record Directory(String path, int mode) implements RootfsEntry {
        public Directory {
            path = normalise(path);
            checkMode(mode, path);
        }
    }

    record RegularFile(String path, int mode, byte[] content) implements RootfsEntry {
        public RegularFile {
            path = normalise(path);
            checkMode(mode, path);
            Objects.requireNonNull(content, "content");
        }
    }

    record Symlink(String path, String target) implements RootfsEntry {
        public Symlink {
            path = normalise(path);
            Objects.requireNonNull(target, "target");
            if (target.isEmpty() || target.length() > MAX_PATH_LENGTH || !printableAscii(target)) {
                throw new IllegalArgumentException("symlink " + path + ": target must be 1-" + MAX_PATH_LENGTH
                        + " printable ASCII characters without spaces: '" + target + "'");
            }
        }
    }

    /** {@code path} without leading slash, checked as described in the interface's contract. */
    static String normalise(String path) {
        Objects.requireNonNull(path, "path");
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty() || p.length() > MAX_PATH_LENGTH || !printableAscii(p)) {
            throw new IllegalArgumentException("rootfs path must be 1-" + MAX_PATH_LENGTH
                    + " printable ASCII characters without spaces below the root: '" + path + "'");
        }
        for (String component : p.split("/", -1)) {
            if (component.isEmpty() || component.equals(".") || component.equals("..")) {
                throw new IllegalArgumentException("rootfs path has an empty, '.' or '..' component: '" + path + "'");
            }
        }
        return p;
    }

    private static boolean printableAscii(String s) {
        return s.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    private static void checkMode(int mode, String path) {
        if (mode < 0 || mode > 07777) {
            throw new IllegalArgumentException(path + ": mode must be permission bits (0 to 07777), got 0"
                    + Integer.toOctalString(mode));
        }
    }
}
