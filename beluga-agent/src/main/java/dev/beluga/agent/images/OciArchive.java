package dev.beluga.agent.images;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A single-layer image as an OCI image layout packed in one tar file, the format {@code ctr images import} reads:
 *
 * <pre>
 * blobs/  blobs/sha256/
 * blobs/sha256/&lt;hex&gt;   the layer (tar+gzip), the image config (JSON) and the image manifest (JSON)
 * index.json           one manifest descriptor per image name
 * oci-layout           {"imageLayoutVersion":"1.0.0"}
 * </pre>
 *
 * <p>Every descriptor in {@code index.json} points to the same manifest and carries the platform and two annotations:
 * {@value #CONTAINERD_NAME_ANNOTATION} with the full name ({@code docker.io/library/busybox:1.35}) and
 * {@value #REF_NAME_ANNOTATION} with its tag ({@code 1.35}). containerd's importer names the image after the first
 * annotation when present; with the OCI one alone, {@code ctr} 1.6 would invent names ({@code import-<date>:1.35}).
 *
 * <p>Reproducible: the archive is a pure function of the names (in the order given), the config and the layer. JSON
 * has sorted keys and no whitespace, tar entries are sorted by name with time 0 and owner 0 ({@link ReproducibleTar}).
 *
 * <p>Immutable and thread-safe; the blobs are computed once, at construction.
 */
public final class OciArchive {
    public static final String CONTAINERD_NAME_ANNOTATION = "io.containerd.image.name";
    public static final String REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";
    public static final String MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
    public static final String INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json";
    static final byte[] OCI_LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);

    private final List<ImageName> names;
    private final ImageConfig config;
    private final byte[] configJson;
    private final String configDigest;
    private final byte[] manifestJson;
    private final String manifestDigest;
    private final byte[] indexJson;
    private final SortedMap<String, byte[]> blobsByHex = new TreeMap<>();

    /**
     * @param names full, tagged names of the image ({@link ImageName#parse}), at least one, no duplicates
     * @throws IllegalArgumentException when a name is not full and tagged, is repeated, or none is given
     */
    public OciArchive(List<String> names, ImageConfig config, Layer layer) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("an image archive needs at least one name");
        }
        if (new LinkedHashSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException("repeated image name in " + names);
        }
        this.names = names.stream().map(ImageName::parse).toList();
        this.config = config;
        this.configJson = config.toJson(List.of(layer.diffId()));
        this.configDigest = Sha256.of(configJson);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MANIFEST_MEDIA_TYPE);
        manifest.put("config", descriptor(ImageConfig.MEDIA_TYPE, configDigest, configJson.length));
        manifest.put("layers", List.of(descriptor(Layer.MEDIA_TYPE, layer.digest(), layer.size())));
        this.manifestJson = Json.write(manifest);
        this.manifestDigest = Sha256.of(manifestJson);
        this.indexJson = Json.write(index());
        blobsByHex.put(Sha256.hex(layer.digest()), layer.blob());
        blobsByHex.put(Sha256.hex(configDigest), configJson);
        blobsByHex.put(Sha256.hex(manifestDigest), manifestJson);
    }

    private Map<String, Object> index() {
        List<Object> manifests = new ArrayList<>();
        for (ImageName name : names) {
            Map<String, Object> d = descriptor(MANIFEST_MEDIA_TYPE, manifestDigest, manifestJson.length);
            d.put("platform", Map.of("os", config.os(), "architecture", config.architecture()));
            d.put("annotations", Map.of(CONTAINERD_NAME_ANNOTATION, name.name(), REF_NAME_ANNOTATION, name.tag()));
            manifests.add(d);
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", INDEX_MEDIA_TYPE);
        index.put("manifests", manifests);
        return index;
    }

    private static Map<String, Object> descriptor(String mediaType, String digest, long size) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", mediaType);
        d.put("digest", digest);
        d.put("size", size);
        return d;
    }

    /** The image's names, in the order of the index. */
    public List<String> names() {
        return names.stream().map(ImageName::name).toList();
    }

    /** Digest of the config blob: the image ID containerd and CRI report. */
    public String configDigest() {
        return configDigest;
    }

    /** Digest of the manifest, the target of every name. */
    public String manifestDigest() {
        return manifestDigest;
    }

    /** Writes the archive to {@code out} (not closed). */
    public void writeTo(OutputStream out) throws IOException {
        OutputStream unclosed = new FilterNoClose(out);
        try (ReproducibleTar tar = new ReproducibleTar(unclosed)) {
            tar.directory("blobs", 0755);
            tar.directory("blobs/sha256", 0755);
            for (Map.Entry<String, byte[]> blob : blobsByHex.entrySet()) {
                tar.file("blobs/sha256/" + blob.getKey(), 0644, blob.getValue());
            }
            tar.file("index.json", 0644, indexJson);
            tar.file("oci-layout", 0644, OCI_LAYOUT);
        }
        out.flush();
    }

    /**
     * Writes the archive to {@code file} (mode 0644) atomically: into a temporary file in the same directory, then
     * renamed over {@code file}. Concurrent writers of the same archive each rename a complete file.
     */
    public void writeTo(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 64 * 1024)) {
                writeTo(out);
            }
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public String toString() {
        return "OciArchive" + names() + "[manifest " + manifestDigest + ", config " + configDigest + "]";
    }

    /** Lets the tar writer finish its records without closing the caller's stream. */
    private static final class FilterNoClose extends FilterOutputStream {
        FilterNoClose(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
