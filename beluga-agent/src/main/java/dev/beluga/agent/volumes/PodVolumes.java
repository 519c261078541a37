package dev.beluga.agent.volumes;

import dev.beluga.agent.env.EnvVariable;
import dev.beluga.agent.env.Expansion;
import dev.beluga.agent.env.GoStrings;
import dev.beluga.cri.v1.Mount;
import dev.beluga.cri.v1.MountPropagation;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The volumes of the pods on this node: sets them up under {@code <root>/pods/<uid>/volumes/} (the kubelet's layout,
 * see {@link PodDirs}), turns a container's {@code volumeMounts} into CRI {@link Mount}s, keeps projected content
 * current and removes it all when the pod is gone.
 *
 * <p>Kinds: emptyDir ({@link EmptyDirs}), hostPath ({@link HostPathCheck}; used in place), configMap, secret,
 * downwardAPI and projected (written with the {@link AtomicWriter}; mounted read-only; defaultMode 0644 when unset),
 * persistentVolumeClaim ({@link ClaimVolumes}; hostPath or local PersistentVolumes used in place). Any other kind fails
 * with {@code no volume plugin matched}.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #setUp} is idempotent: it tries every volume of the pod, keeps what exists (emptyDir content, a mounted
 *       tmpfs, unchanged projected files) and throws one {@link VolumeException} listing each failed volume with the
 *       kubelet's message; volumes that succeeded stay set up. Projected content is fetched before its directory is
 *       made, so a missing ConfigMap leaves nothing behind.</li>
 *   <li>{@link #mounts} needs the volumes set up (by this instance: the result of {@link #setUp} is remembered per pod
 *       until {@link #tearDown}).</li>
 *   <li>{@link #refresh} rewrites configMap, secret, downwardAPI and projected volumes whose source changed (an atomic
 *       swap of {@code ..data}; the old version is removed) and does nothing, without writing, when nothing
 *       changed.</li>
 *   <li>{@link #tearDown} unmounts every mount under the pod directory (tmpfs of Memory emptyDirs), then deletes the
 *       volumes directory and {@code etc-hosts} (and the pod directory when that leaves it empty), never following a
 *       symbolic link and never entering another filesystem; host paths of hostPath and persistentVolumeClaim volumes
 *       are never under the pod directory and are never touched. Idempotent.</li>
 * </ul>
 * Thread-safety: safe for concurrent use; calls for the same pod are serialized.
 */
public final class PodVolumes {
    private static final int DEFAULT_MODE = 0644;

    private final PodDirs dirs;
    private final ObjectSource objects;
    private final Optional<TokenSource> tokens;
    private final Supplier<Map<String, Quantity>> nodeAllocatable;
    private final Mounter mounter;
    private final AtomicWriter writer;
    private final Map<String, Map<String, MountedVolume>> podVolumes = new ConcurrentHashMap<>();
    private final Object[] locks = new Object[64];

    /** With the system's mount commands and no token source (serviceAccountToken projections then fail). */
    public PodVolumes(Path root, ObjectSource objects, Supplier<Map<String, Quantity>> nodeAllocatable) {
        this(root, objects, Optional.empty(), nodeAllocatable);
    }

    /** With the system's mount commands and service-account tokens from {@code tokens} (if any). */
    public PodVolumes(Path root, ObjectSource objects, Optional<TokenSource> tokens, Supplier<Map<String, Quantity>> nodeAllocatable) {
        this(root, objects, tokens, nodeAllocatable, new SystemMounter(), new AtomicWriter());
    }

    public PodVolumes(Path root, ObjectSource objects, Optional<TokenSource> tokens, Supplier<Map<String, Quantity>> nodeAllocatable,
                      Mounter mounter, AtomicWriter writer) {
        this.dirs = new PodDirs(root);
        this.objects = objects;
        this.tokens = tokens;
        this.nodeAllocatable = nodeAllocatable;
        this.mounter = mounter;
        this.writer = writer;
        for (int i = 0; i < locks.length; i++) locks[i] = new Object();
    }

    public PodDirs dirs() {
        return dirs;
    }

    /** Sets up every volume of the pod; returns them by name. */
    public Map<String, MountedVolume> setUp(Pod pod) throws VolumeException {
        String uid = uid(pod);
        synchronized (lock(uid)) {
            Map<String, MountedVolume> done = new LinkedHashMap<>(podVolumes.getOrDefault(uid, Map.of()));
            Map<String, String> failures = new LinkedHashMap<>();
            for (Volume v : list(pod.getSpec().getVolumes())) {
                try {
                    done.put(v.getName(), setUpVolume(pod, v));
                } catch (VolumeException e) {
                    failures.put(v.getName(), e.getMessage());
                } catch (IOException e) {
                    failures.put(v.getName(), e.getMessage() == null ? e.toString() : e.getMessage());
                } catch (IllegalArgumentException | ObjectSource.UnavailableException e) {
                    failures.put(v.getName(), e.getMessage());
                }
            }
            podVolumes.put(uid, Map.copyOf(done));
            if (!failures.isEmpty()) throw new VolumeException(failures);
            return Map.copyOf(done);
        }
    }

    /**
     * The CRI mounts of a container's {@code volumeMounts}, in order. {@code environment} is the container's resolved
     * environment, for {@code subPathExpr}. Missing sub path directories are created.
     */
    public List<Mount> mounts(Pod pod, Container container, List<EnvVariable> environment) throws VolumeException {
        String uid = uid(pod);
        synchronized (lock(uid)) {
            Map<String, MountedVolume> volumes = podVolumes.getOrDefault(uid, Map.of());
            Map<String, String> env = EnvVariable.toMap(environment);
            List<Mount> out = new ArrayList<>();
            for (VolumeMount m : list(container.getVolumeMounts())) {
                MountedVolume v = volumes.get(m.getName());
                if (v == null) {
                    throw new VolumeException("cannot find volume " + GoStrings.quote(m.getName()) + " to mount into container "
                        + GoStrings.quote(container.getName()));
                }
                String subPath = m.getSubPath() == null ? "" : m.getSubPath();
                if (m.getSubPathExpr() != null && !m.getSubPathExpr().isEmpty()) subPath = expandSubPath(m.getSubPathExpr(), env);
                Path hostPath = v.hostPath();
                if (!subPath.isEmpty()) hostPath = SubPaths.prepare(v.hostPath(), subPath, m.getName(), container.getName());
                String containerPath = m.getMountPath().startsWith("/") ? m.getMountPath() : "/" + m.getMountPath();
                out.add(Mount.newBuilder()
                    .setContainerPath(containerPath)
                    .setHostPath(hostPath.toString())
                    .setReadonly(Boolean.TRUE.equals(m.getReadOnly()) || v.readOnly())
                    .setPropagation(propagation(m.getMountPropagation()))
                    .build());
            }
            return out;
        }
    }

    /** Rewrites the projected volumes of the pod whose content changed; see the class comment. */
    public RefreshResult refresh(Pod pod) {
        String uid = uid(pod);
        synchronized (lock(uid)) {
            Set<String> updated = new HashSet<>();
            Map<String, String> failed = new LinkedHashMap<>();
            for (Volume v : list(pod.getSpec().getVolumes())) {
                VolumeKind kind = kind(v);
                if (kind == null || !kind.atomic()) continue;
                Path dir = dirs.volumeDir(uid, kind, v.getName());
                if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) continue; // not set up (yet)
                try {
                    if (writer.write(dir, payload(pod, v, kind))) updated.add(v.getName());
                } catch (VolumeException | IllegalArgumentException | ObjectSource.UnavailableException e) {
                    failed.put(v.getName(), e.getMessage());
                } catch (IOException e) {
                    failed.put(v.getName(), e.getMessage() == null ? e.toString() : e.getMessage());
                }
            }
            return new RefreshResult(updated, failed);
        }
    }

    /** Unmounts and removes the pod's volumes and {@code etc-hosts}; see the class comment. */
    public void tearDown(String podUid) throws IOException {
        synchronized (lock(podUid)) {
            podVolumes.remove(podUid);
            Path podDir = dirs.podDir(podUid);
            if (!Files.exists(podDir, LinkOption.NOFOLLOW_LINKS)) return;
            if (Files.isSymbolicLink(podDir)) {
                Files.delete(podDir); // never something the agent made; do not follow it
                return;
            }
            for (Path mountPoint : mounter.mountPointsUnder(podDir)) mounter.unmount(mountPoint);
            FileTrees.deleteTree(dirs.volumesDir(podUid));
            Files.deleteIfExists(dirs.etcHosts(podUid));
            try {
                Files.deleteIfExists(podDir);
            } catch (DirectoryNotEmptyException e) {
                // other per-pod files of the agent (logs, plugins) are not ours to remove
            }
        }
    }

    private MountedVolume setUpVolume(Pod pod, Volume v) throws VolumeException, IOException {
        String uid = uid(pod);
        VolumeKind kind = kind(v);
        if (kind == null) throw new VolumeException("no volume plugin matched");
        return switch (kind) {
            case EMPTY_DIR -> {
                Path dir = dirs.volumeDir(uid, kind, v.getName());
                EmptyDirs.setUp(dir, v.getEmptyDir(), mounter);
                yield new MountedVolume(v.getName(), kind, dir, false);
            }
            case HOST_PATH -> {
                HostPathCheck.check(v.getHostPath().getPath(), v.getHostPath().getType());
                yield new MountedVolume(v.getName(), kind, Path.of(v.getHostPath().getPath()), false);
            }
            case PERSISTENT_VOLUME_CLAIM -> {
                var r = ClaimVolumes.resolve(pod.getMetadata().getNamespace(), v.getPersistentVolumeClaim(), objects);
                yield new MountedVolume(v.getName(), kind, r.path(), r.readOnly());
            }
            case CONFIG_MAP, SECRET, DOWNWARD_API, PROJECTED -> {
                Map<String, FileProjection> payload = payload(pod, v, kind);
                Path dir = dirs.volumeDir(uid, kind, v.getName());
                boolean created = !Files.exists(dir, LinkOption.NOFOLLOW_LINKS);
                try {
                    Files.createDirectories(dir);
                    if (created) FileModes.set(dir, 0755);
                    NestedMountpoints.make(pod, v.getName(), dir);
                    writer.write(dir, payload);
                } catch (IOException | VolumeException | RuntimeException e) {
                    if (created) FileTrees.deleteTree(dir);
                    throw e;
                }
                yield new MountedVolume(v.getName(), kind, dir, true);
            }
        };
    }

    private Map<String, FileProjection> payload(Pod pod, Volume v, VolumeKind kind) throws VolumeException {
        String ns = pod.getMetadata().getNamespace();
        Map<String, Quantity> allocatable = nodeAllocatable.get();
        return switch (kind) {
            case CONFIG_MAP -> {
                var s = v.getConfigMap();
                yield ConfigMapPayload.make(objects, ns, s.getName(), s.getItems(), mode(s.getDefaultMode()), Boolean.TRUE.equals(s.getOptional()));
            }
            case SECRET -> {
                var s = v.getSecret();
                yield SecretPayload.make(objects, ns, s.getSecretName(), s.getItems(), mode(s.getDefaultMode()), Boolean.TRUE.equals(s.getOptional()));
            }
            case DOWNWARD_API -> DownwardApiPayload.collect(v.getDownwardAPI().getItems(), pod, mode(v.getDownwardAPI().getDefaultMode()), allocatable);
            case PROJECTED -> ProjectedPayload.collect(pod, v.getProjected(), mode(v.getProjected().getDefaultMode()), objects, tokens, allocatable);
            default -> throw new IllegalStateException(kind + " has no payload");
        };
    }

    static VolumeKind kind(Volume v) {
        if (v.getEmptyDir() != null) return VolumeKind.EMPTY_DIR;
        if (v.getHostPath() != null) return VolumeKind.HOST_PATH;
        if (v.getConfigMap() != null) return VolumeKind.CONFIG_MAP;
        if (v.getSecret() != null) return VolumeKind.SECRET;
        if (v.getDownwardAPI() != null) return VolumeKind.DOWNWARD_API;
        if (v.getProjected() != null) return VolumeKind.PROJECTED;
        if (v.getPersistentVolumeClaim() != null) return VolumeKind.PERSISTENT_VOLUME_CLAIM;
        return null;
    }

    /** subPathExpr expansion (ExpandContainerVolumeMounts): a reference to an absent or empty variable is an error. */
    static String expandSubPath(String expr, Map<String, String> env) throws VolumeException {
        Set<String> missing = new TreeSet<>();
        String expanded = Expansion.expand(expr, name -> {
            String value = env.get(name);
            if (value == null || value.isEmpty()) {
                missing.add(name);
                return "";
            }
            return value;
        });
        if (!missing.isEmpty()) throw new VolumeException("missing value for " + String.join(", ", missing));
        return expanded;
    }

    static MountPropagation propagation(String mode) throws VolumeException {
        if (mode == null || mode.equals("None")) return MountPropagation.PROPAGATION_PRIVATE;
        return switch (mode) {
            case "HostToContainer" -> MountPropagation.PROPAGATION_HOST_TO_CONTAINER;
            case "Bidirectional" -> MountPropagation.PROPAGATION_BIDIRECTIONAL;
            default -> throw new VolumeException("invalid MountPropagation mode: " + GoStrings.quote(mode));
        };
    }

    private static int mode(Integer m) {
        return m == null ? DEFAULT_MODE : m;
    }

    private Object lock(String uid) {
        return locks[Math.floorMod(uid.hashCode(), locks.length)];
    }

    private static String uid(Pod pod) {
        return PodDirs.segment(pod.getMetadata().getUid(), "pod UID");
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }
}
