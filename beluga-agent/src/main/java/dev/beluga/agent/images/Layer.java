package dev.beluga.agent.images;

import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.Deflater;

/**
 * One image layer: a gzip-compressed tar of a root filesystem ({@code application/vnd.oci.image.layer.v1.tar+gzip}),
 * held in memory (the built-in images' layers are a few MiB at most).
 *
 * <p>Reproducible: {@link #of} sorts the entries by path, writes them with {@link ReproducibleTar} (times 0, owner
 * root) and compresses with a gzip header that has no name and modification time 0, at a fixed level. Identical
 * entries give a byte-identical blob with the same JDK (the deflate implementation is an input too).
 *
 * @param blob     the compressed layer, as stored in the archive (callers must not modify it)
 * @param digest   {@code sha256:} digest of {@code blob}, the layer's descriptor digest in the manifest
 * @param diffId   {@code sha256:} digest of the uncompressed tar, listed in the image config's {@code rootfs.diff_ids}
 * @param tarSize  size of the uncompressed tar in bytes
 */
public record Layer(byte[] blob, String digest, String diffId, long tarSize) {
    public static final String MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";

    /**
     * The layer holding {@code entries}. Parent directories that are not listed are added with mode {@code 0755}.
     *
     * @throws IllegalArgumentException when two entries have the same path, or an entry's parent is not a directory
     */
    public static Layer of(Collection<? extends RootfsEntry> entries) {
        Map<String, RootfsEntry> byPath = new TreeMap<>();
        for (RootfsEntry e : entries) {
            if (byPath.put(e.path(), e) != null) {
                throw new IllegalArgumentException("two rootfs entries for the path " + e.path());
            }
        }
        for (RootfsEntry e : List.copyOf(byPath.values())) {
            addParents(byPath, e.path());
        }
        byte[] tar = tar(byPath.values());
        byte[] blob = gzip(tar);
        return new Layer(blob, Sha256.of(blob), Sha256.of(tar), tar.length);
    }

    private static void addParents(Map<String, RootfsEntry> byPath, String path) {
        for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
            String parent = path.substring(0, slash);
            RootfsEntry existing = byPath.get(parent);
            if (existing == null) {
                byPath.put(parent, RootfsEntry.directory(parent, 0755));
            } else if (!(existing instanceof RootfsEntry.Directory)) {
                throw new IllegalArgumentException(path + ": its parent " + parent + " is not a directory");
            }
        }
    }

    /** The entries as tar, in the iteration order given (sorted by path: every parent precedes its children). */
    private static byte[] tar(Collection<RootfsEntry> sorted) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ReproducibleTar tar = new ReproducibleTar(out)) {
            for (RootfsEntry e : sorted) {
                switch (e) {
                    case RootfsEntry.Directory d -> tar.directory(d.path(), d.mode());
                    case RootfsEntry.RegularFile f -> tar.file(f.path(), f.mode(), f.content());
                    case RootfsEntry.Symlink s -> tar.symlink(s.path(), s.target());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing a tar in memory", e);
        }
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] data) {
        GzipParameters params = new GzipParameters();
        params.setCompressionLevel(Deflater.BEST_COMPRESSION);
        params.setModificationTime(0);
        params.setOS(GzipParameters.OS.UNKNOWN);
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
        try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out, params)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException("compressing in memory", e);
        }
        return out.toByteArray();
    }

    /** Size of the compressed blob in bytes. */
    public long size() {
        return blob.length;
    }

    @Override
    public String toString() {
        return "Layer[" + digest + ", " + blob.length + " bytes, diffId " + diffId + "]";
    }
}
