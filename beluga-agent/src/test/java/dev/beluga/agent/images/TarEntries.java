package dev.beluga.agent.images;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helper: the entries of a tar, in archive order, with their content. */
record TarEntries(List<TarArchiveEntry> entries, Map<String, byte[]> content) {
    static TarEntries read(byte[] tar) throws IOException {
        return read(new ByteArrayInputStream(tar));
    }

    static TarEntries readGzip(byte[] tgz) throws IOException {
        try (InputStream in = new GzipCompressorInputStream(new ByteArrayInputStream(tgz))) {
            return read(new ByteArrayInputStream(in.readAllBytes()));
        }
    }

    /** The decompressed bytes of a gzip blob. */
    static byte[] readGzipRaw(byte[] tgz) throws IOException {
        try (InputStream in = new GzipCompressorInputStream(new ByteArrayInputStream(tgz))) {
            return in.readAllBytes();
        }
    }

    static TarEntries read(InputStream in) throws IOException {
        List<TarArchiveEntry> entries = new ArrayList<>();
        Map<String, byte[]> content = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                entries.add(e);
                content.put(e.getName(), tar.readAllBytes());
            }
        }
        return new TarEntries(entries, content);
    }

    List<String> names() {
        return entries.stream().map(TarArchiveEntry::getName).toList();
    }

    TarArchiveEntry entry(String name) {
        return entries.stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no entry " + name + " in " + names()));
    }

    byte[] bytes(String name) {
        byte[] b = content.get(name);
        if (b == null) {
            throw new AssertionError("no entry " + name + " in " + names());
        }
        return b;
    }
}
