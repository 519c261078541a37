package dev.beluga.pki;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Atomic file writes: the content goes to a new temporary file in the same directory, is flushed to disk, gets its
 * final permissions and is renamed over the target, so readers see the old file or the new one, never a part.
 * Secrets get mode 0600, other files 0644 (set explicitly, whatever the umask). On file systems without POSIX
 * permissions the modes are skipped.
 */
public final class SecureFiles {
    static final Set<PosixFilePermission> SECRET = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");
    static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private SecureFiles() {
    }

    /** Writes {@code content} (UTF-8) to {@code file} atomically with mode 0600. */
    public static void writeSecret(Path file, String content) throws IOException {
        write(file, content.getBytes(StandardCharsets.UTF_8), SECRET);
    }

    /** Writes {@code content} (UTF-8) to {@code file} atomically with mode 0644. */
    public static void writePublic(Path file, String content) throws IOException {
        write(file, content.getBytes(StandardCharsets.UTF_8), PUBLIC);
    }

    /** Creates {@code dir} and missing parents; a directory created here gets mode 0700, an existing one is left alone. */
    public static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try {
            if (posix(dir.getFileSystem())) Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY));
            else Files.createDirectory(dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) throw e;
        }
    }

    static void write(Path file, byte[] content, Set<PosixFilePermission> mode) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        boolean posix = posix(target.getFileSystem());
        FileAttribute<?>[] attributes = posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(SECRET)} : new FileAttribute<?>[0];
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp", attributes);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) channel.write(buffer);
                channel.force(true);
            }
            if (posix) Files.setPosixFilePermissions(temp, mode);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        syncDirectory(dir);
    }

    private static boolean posix(FileSystem fs) {
        return fs.supportedFileAttributeViews().contains("posix");
    }

    /** Makes the rename durable where the platform allows opening a directory; elsewhere a no-op. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not supported here (e.g. Windows); the rename itself is still atomic
        }
    }
}
