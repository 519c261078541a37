package dev.beluga.agent.images;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;

/**
 * A tar writer whose output depends only on the entries written, in the order written: every entry has modification
 * time 0 (the epoch), uid and gid 0 with empty user and group names, and the plain ustar format (names and link
 * targets over 100 characters or sizes over 8 GiB are refused instead of producing extension headers, whose names and
 * times would vary). Callers write entries in a fixed (sorted) order.
 *
 * <p>Not thread-safe; {@link #close()} writes the end-of-archive records and closes the underlying stream.
 */
final class ReproducibleTar implements AutoCloseable {
    private static final FileTime EPOCH = FileTime.fromMillis(0);

    private final TarArchiveOutputStream tar;

    ReproducibleTar(OutputStream out) {
        this.tar = new TarArchiveOutputStream(out, StandardCharsets.US_ASCII.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_ERROR);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_ERROR);
        tar.setAddPaxHeadersForNonAsciiNames(false);
    }

    /** A directory entry {@code name/} with permission bits {@code mode}. */
    void directory(String name, int mode) throws IOException {
        TarArchiveEntry e = entry(name + "/", TarConstants.LF_DIR);
        e.setMode(mode);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    /** A regular file entry with permission bits {@code mode}. */
    void file(String name, int mode, byte[] content) throws IOException {
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL);
        e.setMode(mode);
        e.setSize(content.length);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    /** A symbolic link entry to {@code target}. */
    void symlink(String name, String target) throws IOException {
        TarArchiveEntry e = entry(name, TarConstants.LF_SYMLINK);
        e.setMode(0777);
        e.setLinkName(target);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    private static TarArchiveEntry entry(String name, byte type) {
        TarArchiveEntry e = new TarArchiveEntry(name, type);
        // the constructor takes the current time and the JVM's user name: override both
        e.setModTime(EPOCH);
        e.setUserId(0);
        e.setGroupId(0);
        e.setUserName("");
        e.setGroupName("");
        return e;
    }

    @Override
    public void close() throws IOException {
        tar.close();
    }
}
