package dev.beluga.agent.volumes;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The hostPath {@code type} check the kubelet makes before it uses a host path (symbolic links are followed):
 * <ul>
 *   <li>{@code ""} (or absent): no check;</li>
 *   <li>{@code DirectoryOrCreate}: an absent path is created as a directory (0755, with parents), else it must be a
 *       directory; {@code FileOrCreate}: an absent path is created as an empty file (0644; the parent must exist),
 *       else it must be a file;</li>
 *   <li>{@code Directory}, {@code File}, {@code Socket}, {@code CharDevice}, {@code BlockDevice}: the path must
 *       exist ({@code hostPath P doesn't exist}) and be of that type ({@code hostPath type check failed: P is not a
 *       directory, it's a File});</li>
 *   <li>anything else: {@code T is an invalid volume type}.</li>
 * </ul>
 * Stateless.
 */
final class HostPathCheck {
    private HostPathCheck() {
    }

    static void check(String path, String type) throws VolumeException {
        if (path == null || path.isEmpty()) throw new VolumeException("hostPath path must not be empty");
        Path p = Path.of(path);
        switch (type == null ? "" : type) {
            case "" -> {
            }
            case "DirectoryOrCreate" -> {
                if (!Files.exists(p)) makeDir(p);
                else expect(p, "Directory", "directory");
            }
            case "Directory" -> expect(p, "Directory", "directory");
            case "FileOrCreate" -> {
                if (!Files.exists(p)) makeFile(p);
                else expect(p, "File", "file");
            }
            case "File" -> expect(p, "File", "file");
            case "Socket" -> expect(p, "Socket", "socket file");
            case "CharDevice" -> expect(p, "CharDevice", "character device");
            case "BlockDevice" -> expect(p, "BlockDevice", "block device");
            default -> throw new VolumeException(type + " is an invalid volume type");
        }
    }

    /** The kubelet's file type name of what {@code p} points to. */
    static String fileType(Path p) throws IOException {
        int mode = (Integer) Files.getAttribute(p, "unix:mode");
        return switch (mode & 0170000) {
            case 0040000 -> "Directory";
            case 0100000 -> "File";
            case 0140000 -> "Socket";
            case 0020000 -> "CharDevice";
            case 0060000 -> "BlockDevice";
            default -> throw new IOException("only recognise file, directory, socket, block device and character device");
        };
    }

    private static void expect(Path p, String expected, String description) throws VolumeException {
        if (!Files.exists(p)) throw new VolumeException("hostPath " + p + " doesn't exist");
        String actual;
        try {
            actual = fileType(p);
        } catch (IOException e) {
            throw new VolumeException("hostPath type check failed, " + p + " is not a " + description
                + ", unable to determine its type: " + e.getMessage());
        }
        if (!actual.equals(expected)) {
            throw new VolumeException("hostPath type check failed: " + p + " is not a " + description + ", it's a " + actual);
        }
    }

    private static void makeDir(Path p) throws VolumeException {
        try {
            Files.createDirectories(p, PosixFilePermissions.asFileAttribute(FileModes.permissions(0755)));
        } catch (IOException e) {
            throw new VolumeException(goError("mkdir", p, e));
        }
    }

    private static void makeFile(Path p) throws VolumeException {
        try {
            Files.createFile(p, PosixFilePermissions.asFileAttribute(FileModes.permissions(0644)));
        } catch (FileAlreadyExistsException e) {
            // made meanwhile: fine, as upstream
        } catch (IOException e) {
            throw new VolumeException(goError("open", p, e));
        }
    }

    /** An I/O failure worded like Go's *PathError ({@code open /x/y: no such file or directory}). */
    static String goError(String op, Path p, IOException e) {
        String reason;
        if (e instanceof NoSuchFileException) reason = "no such file or directory";
        else if (e instanceof AccessDeniedException) reason = "permission denied";
        else if (e instanceof FileAlreadyExistsException) reason = "file exists";
        else reason = e.getMessage();
        return op + " " + p + ": " + reason;
    }
}
