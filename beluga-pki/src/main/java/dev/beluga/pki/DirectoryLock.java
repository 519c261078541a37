package dev.beluga.pki;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive access to a PKI directory while its files are checked and written, so that two processes (or threads)
 * starting at once do not both create a CA: an OS lock on {@code <dir>/.lock} between processes, and a process-wide
 * lock between threads (an OS file lock cannot be held twice by one process). Release with {@link #close()} on the
 * acquiring thread.
 */
final class DirectoryLock implements AutoCloseable {
    static final String FILE = ".lock";
    private static final ReentrantLock IN_PROCESS = new ReentrantLock();

    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Blocks until {@code dir} (which must exist) is locked. */
    static DirectoryLock acquire(Path dir) throws IOException {
        IN_PROCESS.lock();
        FileChannel channel = null;
        try {
            Path file = dir.resolve(FILE);
            var options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            channel = file.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(SecureFiles.SECRET))
                : FileChannel.open(file, options, new FileAttribute<?>[0]);
            return new DirectoryLock(channel, channel.lock());
        } catch (IOException | RuntimeException e) {
            if (channel != null) channel.close();
            IN_PROCESS.unlock();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
            channel.close();
        } finally {
            IN_PROCESS.unlock();
        }
    }
}
