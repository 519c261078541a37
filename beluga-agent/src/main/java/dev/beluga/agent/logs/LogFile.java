package dev.beluga.agent.logs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * An open log file that remembers which file it is (its file key: device and inode on Linux), so that a follower can
 * tell when the runtime's log rotation has put a new file at the path, or truncated the one it reads. Not
 * thread-safe; {@link #close()} releases the descriptor.
 */
final class LogFile implements Closeable {
    private final Path path;
    private final FileChannel channel;
    private final Object key;

    private LogFile(Path path, FileChannel channel, Object key) {
        this.path = path;
        this.channel = channel;
        this.key = key;
    }

    /** Opens {@code path} for reading at offset 0. */
    static LogFile open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return new LogFile(path, ch, Files.readAttributes(path, BasicFileAttributes.class).fileKey());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    FileChannel channel() {
        return channel;
    }

    /** Reads into {@code buf} (cleared first) at the current position, but not past {@code end}; -1 at either end. */
    int read(ByteBuffer buf, long end) throws IOException {
        buf.clear();
        long left = end - channel.position();
        if (left <= 0) return -1;
        if (left < buf.capacity()) buf.limit((int) left);
        int n = channel.read(buf);
        buf.flip();
        return n;
    }

    /**
     * The file now at this file's path if it is another one (the log was rotated), opened at offset 0; null while the
     * path still names this file or names nothing (between rotation's rename and the runtime's reopen).
     */
    LogFile successor() throws IOException {
        Object now;
        try {
            now = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
        if (key == null || Objects.equals(now, key)) return null;
        try {
            return open(path);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** True when the file is now shorter than what was read (truncated in place). */
    boolean truncated() throws IOException {
        return channel.size() < channel.position();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
