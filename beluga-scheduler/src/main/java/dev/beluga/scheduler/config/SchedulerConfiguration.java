package dev.beluga.scheduler.config;

import java.time.Duration;
import java.util.List;

/**
 * The scheduler's configuration, shaped like upstream {@code KubeSchedulerConfiguration}
 * ({@code kubescheduler.config.k8s.io/v1}); see {@link ConfigLoader} for the file format.
 *
 * @param percentageOfNodesToScore 0-100; null or 0 means adaptive (50% minus 1% per 125 nodes, at least 5%)
 * @param parallelism              threads for Filter/Score (upstream default 16; here the default is the core count)
 * @param podInitialBackoff        backoff after the first failed attempt (1 s)
 * @param podMaxBackoff            longest backoff (10 s)
 * @param profiles                 at least one; scheduler names must be unique
 */
public record SchedulerConfiguration(Integer percentageOfNodesToScore, int parallelism, Duration podInitialBackoff,
                                     Duration podMaxBackoff, List<ProfileConfig> profiles) {
    public SchedulerConfiguration {
        if (parallelism <= 0) parallelism = Math.max(1, Runtime.getRuntime().availableProcessors());
        if (podInitialBackoff == null) podInitialBackoff = Duration.ofSeconds(1);
        if (podMaxBackoff == null) podMaxBackoff = Duration.ofSeconds(10);
        if (profiles == null || profiles.isEmpty()) profiles = List.of(ProfileConfig.defaultProfile());
        profiles = List.copyOf(profiles);
        if (percentageOfNodesToScore != null && (percentageOfNodesToScore < 0 || percentageOfNodesToScore > 100))
            throw new IllegalArgumentException("percentageOfNodesToScore must be in [0, 100], got " + percentageOfNodesToScore);
        java.util.Set<String> names = new java.util.HashSet<>();
        for (ProfileConfig p : profiles)
            if (!names.add(p.schedulerName())) throw new IllegalArgumentException("duplicate profile with scheduler name \"" + p.schedulerName() + "\"");
    }

    /** One {@code default-scheduler} profile with the default plugins. */
    public static SchedulerConfiguration defaults() {
        return new SchedulerConfiguration(null, 0, null, null, List.of());
    }

    public SchedulerConfiguration withParallelism(int n) {
        return new SchedulerConfiguration(percentageOfNodesToScore, n, podInitialBackoff, podMaxBackoff, profiles);
    }

    public SchedulerConfiguration withPercentageOfNodesToScore(Integer p) {
        return new SchedulerConfiguration(p, parallelism, podInitialBackoff, podMaxBackoff, profiles);
    }

    public SchedulerConfiguration withProfiles(List<ProfileConfig> ps) {
        return new SchedulerConfiguration(percentageOfNodesToScore, parallelism, podInitialBackoff, podMaxBackoff, ps);
    }
}
