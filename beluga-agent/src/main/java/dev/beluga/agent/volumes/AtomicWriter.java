package dev.beluga.agent.volumes;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Projects a set of files into a directory so that a reader sees either the old or the new set, never a mixture:
 * the kubelet's atomic writer layout, which applications watch with inotify.
 * <pre>
 * target/..2026_12_02_10_00_00.123456789/      the files of this version (directory 0755, files with their modes)
 * target/..data -&gt; ..2026_12_02_10_00_00.123456789
 * target/key -&gt; ..data/key                       one link per first path component
 * target/conf -&gt; ..data/conf                     for conf/app/settings.yaml
 * </pre>
 * A write builds the new timestamped directory, adds links for new first components, points a temporary link
 * {@code ..data_tmp} at it and renames that over {@code ..data} (rename(2) is atomic), then removes links whose names
 * left the payload and the previous timestamped directory. When every file already has the same content and mode and
 * nothing is to be removed, nothing is written: a repeated write is a cheap no-op (it reads the current files).
 *
 * <p>Payload paths are relative, may be nested, must not contain a {@code ..} element nor start with {@code ..}
 * (the writer reserves those names), and are limited to 255 bytes per element and 4096 per path; an invalid path is an
 * {@link IllegalArgumentException} with the kubelet's message, before anything is written. Modes: only the low nine
 * bits apply. The writer compares modes as well as content (so a changed {@code defaultMode} is applied).
 *
 * <p>Thread-safety: the instance is stateless, but writes to the same target directory must be serialized by the
 * caller ({@link PodVolumes} holds the pod's lock).
 */
public final class AtomicWriter {
    public static final String DATA_DIR = "..data";
    public static final String NEW_DATA_DIR = "..data_tmp";
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss").withZone(ZoneOffset.UTC);
    private static final int MAX_FILE_NAME = 255;
    private static final int MAX_PATH = 4096;

    private final Clock clock;

    public AtomicWriter() {
        this(Clock.systemUTC());
    }

    public AtomicWriter(Clock clock) {
        this.clock = clock;
    }

    /**
     * Makes {@code targetDir} (which must exist) hold exactly {@code payload}.
     *
     * @return whether anything was written
     */
    public boolean write(Path targetDir, Map<String, FileProjection> payload) throws IOException {
        Map<String, FileProjection> files = validate(payload);
        if (!Files.isDirectory(targetDir)) throw new IOException("no such directory: " + targetDir);
        Path dataLink = targetDir.resolve(DATA_DIR);
        String oldName = readLink(dataLink);
        Path oldDir = oldName == null ? null : targetDir.resolve(oldName);
        Set<String> toRemove = Set.of();
        if (oldDir != null) {
            toRemove = pathsToRemove(files, oldDir);
            if (toRemove.isEmpty() && !differs(files, oldDir)) return false;
        }

        Path newDir = newTimestampDir(targetDir);
        try {
            for (var e : files.entrySet()) writeFile(newDir, e.getKey(), e.getValue());
        } catch (IOException e) {
            FileTrees.deleteTree(newDir);
            throw e;
        }
        for (String path : files.keySet()) {
            String first = firstElement(path);
            Path visible = targetDir.resolve(first);
            if (!Files.exists(visible, LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(visible, Path.of(DATA_DIR, first));
            }
        }
        Path tmpLink = targetDir.resolve(NEW_DATA_DIR);
        try {
            Files.deleteIfExists(tmpLink); // left by an interrupted write
            Files.createSymbolicLink(tmpLink, newDir.getFileName());
            Files.move(tmpLink, dataLink, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmpLink);
            FileTrees.deleteTree(newDir);
            throw e;
        }
        for (String path : toRemove) {
            if (path.indexOf('/') >= 0) continue; // nested paths went away with the old directory
            Path visible = targetDir.resolve(path);
            if (Files.isSymbolicLink(visible)) Files.delete(visible);
        }
        if (oldDir != null) FileTrees.deleteTree(oldDir);
        return true;
    }

    /** The payload with cleaned paths, or the kubelet's validation error. */
    static Map<String, FileProjection> validate(Map<String, FileProjection> payload) {
        Map<String, FileProjection> out = new TreeMap<>();
        payload.forEach((path, file) -> {
            validatePath(path);
            String clean = clean(path);
            if (clean.isEmpty()) throw new IllegalArgumentException("invalid path: must not be empty: \"" + path + "\"");
            out.put(clean, file);
        });
        return out;
    }

    static void validatePath(String path) {
        if (path.isEmpty()) throw new IllegalArgumentException("invalid path: must not be empty: \"\"");
        if (path.startsWith("/")) throw new IllegalArgumentException("invalid path: must be relative path: " + path);
        if (path.length() > MAX_PATH) {
            throw new IllegalArgumentException("invalid path: must be less than or equal to " + MAX_PATH + " characters");
        }
        String[] items = path.split("/", -1);
        for (String item : items) {
            if (item.equals("..")) throw new IllegalArgumentException("invalid path: must not contain '..': " + path);
            if (item.length() > MAX_FILE_NAME) {
                throw new IllegalArgumentException("invalid path: filenames must be less than or equal to " + MAX_FILE_NAME + " characters");
            }
        }
        if (items[0].startsWith("..") && items[0].length() > 2) {
            throw new IllegalArgumentException("invalid path: must not start with '..': " + path);
        }
    }

    /** Like Go's filepath.Clean for relative paths without {@code ..}: no empty or {@code .} elements. */
    static String clean(String path) {
        return String.join("/", Arrays.stream(path.split("/")).filter(s -> !s.isEmpty() && !s.equals(".")).toList());
    }

    private static String firstElement(String path) {
        int slash = path.indexOf('/');
        return slash < 0 ? path : path.substring(0, slash);
    }

    private static String readLink(Path link) throws IOException {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        } catch (NotLinkException e) {
            throw new IOException(link + " exists and is not a symbolic link");
        }
    }

    /** Paths (files and directories, relative) of the old version that the new payload no longer has. */
    private static Set<String> pathsToRemove(Map<String, FileProjection> files, Path oldDir) throws IOException {
        if (!Files.isDirectory(oldDir, LinkOption.NOFOLLOW_LINKS)) return Set.of();
        Set<String> old = new HashSet<>();
        try (Stream<Path> walk = Files.walk(oldDir)) {
            walk.filter(p -> !p.equals(oldDir)).forEach(p -> old.add(oldDir.relativize(p).toString()));
        }
        Set<String> keep = new HashSet<>();
        for (String path : files.keySet()) {
            for (String p = path; !p.isEmpty(); p = p.lastIndexOf('/') < 0 ? "" : p.substring(0, p.lastIndexOf('/'))) keep.add(p);
        }
        old.removeAll(keep);
        return old;
    }

    private static boolean differs(Map<String, FileProjection> files, Path oldDir) throws IOException {
        for (var e : files.entrySet()) {
            Path f = oldDir.resolve(e.getKey());
            if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) return true;
            if ((e.getValue().mode() & 0777) != FileModes.get(f)) return true;
            if (!Arrays.equals(Files.readAllBytes(f), e.getValue().data())) return true;
        }
        return false;
    }

    private Path newTimestampDir(Path targetDir) throws IOException {
        String stamp = ".." + TIMESTAMP.format(clock.instant()) + ".";
        for (int attempt = 0; ; attempt++) {
            Path dir = targetDir.resolve(stamp + String.format("%09d", ThreadLocalRandom.current().nextInt(1_000_000_000)));
            try {
                Files.createDirectory(dir);
                FileModes.set(dir, 0755);
                return dir;
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) throw e;
            }
        }
    }

    private static void writeFile(Path dir, String relative, FileProjection file) throws IOException {
        Path full = dir.resolve(relative);
        Path parent = full.getParent();
        for (Path p = dir, rest = dir.relativize(parent); rest != null && !rest.toString().isEmpty(); ) {
            p = p.resolve(rest.getName(0));
            if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(p);
                FileModes.set(p, 0755);
            }
            rest = rest.getNameCount() > 1 ? rest.subpath(1, rest.getNameCount()) : null;
        }
        Files.write(full, file.data(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileModes.set(full, file.mode() & 0777);
    }
}
