package dev.beluga.agent.pods;

import dev.beluga.cri.CriClient;
import dev.beluga.cri.v1.Container;
import dev.beluga.cri.v1.ContainerFilter;
import dev.beluga.cri.v1.Image;
import dev.beluga.cri.v1.ImageFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Image garbage collection (upstream's ImageGCManager): every run notes which images containers use (their last use)
 * and, when the image filesystem is over the policy's high threshold, removes images no container uses — least
 * recently used first, none younger than the minimum age, never the sandbox (pause) image or a runtime-pinned one —
 * until usage is at the low threshold. First-seen and last-used times live in memory, as upstream's: after an agent
 * restart every image counts as just seen.
 *
 * <p>Threading: {@link #collect()} is synchronized (called from the agent's timer).
 */
public final class ImageGarbageCollector {
    private static final Logger log = LoggerFactory.getLogger(ImageGarbageCollector.class);

    /** Size and use of the filesystem images live on. */
    public record DiskUsage(long capacityBytes, long usedBytes) {
        public double percent() {
            return capacityBytes <= 0 ? 0 : 100.0 * usedBytes / capacityBytes;
        }

        /** The filesystem holding {@code dir} (its nearest existing ancestor). */
        public static DiskUsage of(Path dir) {
            try {
                Path p = dir;
                while (p != null && !Files.exists(p)) p = p.getParent();
                FileStore fs = Files.getFileStore(p == null ? Path.of("/") : p);
                return new DiskUsage(fs.getTotalSpace(), fs.getTotalSpace() - fs.getUsableSpace());
            } catch (IOException e) {
                return new DiskUsage(0, 0);
            }
        }
    }

    /** An image the collector may remove, with what it knows of its use. */
    record Candidate(String id, String name, long size, Instant firstSeen, Instant lastUsed) {}

    /** What one run did. */
    public record Result(boolean ran, List<String> removed, long freedBytes, long wantedBytes) {}

    private final CriClient cri;
    private final ImageGcPolicy policy;
    private final Supplier<DiskUsage> usage;
    private final Set<String> protectedImages;
    private final Clock clock;
    private final Map<String, Instant> firstSeen = new HashMap<>();
    private final Map<String, Instant> lastUsed = new HashMap<>();

    /**
     * @param protectedImages image names or ids never removed (the sandbox image)
     * @param usage           the image filesystem's usage, asked at each run
     */
    public ImageGarbageCollector(CriClient cri, ImageGcPolicy policy, Supplier<DiskUsage> usage, Set<String> protectedImages, Clock clock) {
        this.cri = cri;
        this.policy = policy;
        this.usage = usage;
        this.protectedImages = Set.copyOf(protectedImages);
        this.clock = clock;
    }

    public synchronized Result collect() {
        Instant now = clock.instant();
        List<Image> images = cri.listImages(ImageFilter.getDefaultInstance());
        Set<String> inUse = new HashSet<>();
        for (Container c : cri.listContainers(ContainerFilter.getDefaultInstance())) {
            inUse.add(c.getImageRef());
            if (c.hasImage()) inUse.add(c.getImage().getImage());
        }
        Set<String> present = new HashSet<>();
        List<Candidate> unused = new ArrayList<>();
        for (Image i : images) {
            present.add(i.getId());
            firstSeen.putIfAbsent(i.getId(), now);
            if (used(i, inUse)) {
                lastUsed.put(i.getId(), now);
                continue;
            }
            if (i.getPinned() || isProtected(i)) continue;
            unused.add(new Candidate(i.getId(), i.getRepoTagsCount() > 0 ? i.getRepoTags(0) : i.getId(), i.getSize(),
                firstSeen.get(i.getId()), lastUsed.getOrDefault(i.getId(), firstSeen.get(i.getId()))));
        }
        firstSeen.keySet().retainAll(present);
        lastUsed.keySet().retainAll(present);
        if (policy.disabled()) return new Result(false, List.of(), 0, 0);
        DiskUsage u = usage.get();
        if (u.capacityBytes() <= 0 || u.percent() < policy.highThresholdPercent()) return new Result(false, List.of(), 0, 0);
        long wanted = u.usedBytes() - u.capacityBytes() * policy.lowThresholdPercent() / 100;
        List<String> removed = new ArrayList<>();
        long freed = 0;
        for (Candidate c : select(unused, now, policy)) {
            if (freed >= wanted) break;
            try {
                cri.removeImage(c.id());
                removed.add(c.name());
                freed += c.size();
                firstSeen.remove(c.id());
                lastUsed.remove(c.id());
            } catch (RuntimeException e) {
                log.warn("removing image {}: {}", c.name(), e.getMessage());
            }
        }
        log.info("image filesystem {}% full (high threshold {}%): removed {} unused image(s), {} of {} bytes freed",
            Math.round(u.percent()), policy.highThresholdPercent(), removed.size(), freed, wanted);
        return new Result(true, removed, freed, wanted);
    }

    /** Removable candidates in removal order: old enough, least recently used first (then first seen, then id). */
    static List<Candidate> select(List<Candidate> unused, Instant now, ImageGcPolicy policy) {
        return unused.stream()
            .filter(c -> !c.firstSeen().plus(policy.minimumAge()).isAfter(now))
            .sorted(Comparator.comparing(Candidate::lastUsed).thenComparing(Candidate::firstSeen).thenComparing(Candidate::id))
            .toList();
    }

    private boolean isProtected(Image i) {
        if (protectedImages.contains(i.getId())) return true;
        for (String t : i.getRepoTagsList()) if (protectedImages.contains(t) || protectedImages.contains(shortName(t))) return true;
        return false;
    }

    private static boolean used(Image i, Set<String> inUse) {
        if (inUse.contains(i.getId())) return true;
        for (String t : i.getRepoTagsList()) if (inUse.contains(t) || inUse.contains(shortName(t))) return true;
        for (String d : i.getRepoDigestsList()) if (inUse.contains(d)) return true;
        return false;
    }

    /** docker.io/library/busybox:1.35 → busybox:1.35, as users write it. */
    private static String shortName(String ref) {
        return ref.replaceFirst("^docker\\.io/library/", "").replaceFirst("^docker\\.io/", "");
    }
}
