package dev.beluga.scheduler;

import dev.beluga.scheduler.algorithm.SchedulingAlgorithm;
import dev.beluga.scheduler.cache.SchedulerCache;
import dev.beluga.scheduler.cache.Snapshot;
import dev.beluga.scheduler.client.SchedulerClients;
import dev.beluga.scheduler.config.ProfileConfig;
import dev.beluga.scheduler.config.SchedulerConfiguration;
import dev.beluga.scheduler.framework.Parallelizer;
import dev.beluga.scheduler.framework.runtime.Framework;
import dev.beluga.scheduler.framework.runtime.FrameworkContext;
import dev.beluga.scheduler.framework.runtime.FrameworkFactory;
import dev.beluga.scheduler.framework.runtime.Registry;
import dev.beluga.scheduler.framework.runtime.WaitingPods;
import dev.beluga.scheduler.listers.ClusterListers;
import dev.beluga.scheduler.metrics.SchedulerMetrics;
import dev.beluga.scheduler.plugins.InTreeRegistry;
import dev.beluga.scheduler.queue.Nominator;
import dev.beluga.scheduler.queue.SchedulingQueue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Builds a {@link Scheduler}. Everything has a default: the default configuration (one {@code default-scheduler}
 * profile), no-op clients, empty listers, the system clock, the in-tree plugins plus any found by
 * {@link java.util.ServiceLoader} on the context class loader. Not thread-safe; use once.
 */
public final class SchedulerBuilder {
    private SchedulerConfiguration configuration = SchedulerConfiguration.defaults();
    private SchedulerClients clients = SchedulerClients.noop();
    private ClusterListers listers = ClusterListers.empty();
    private Clock clock = Clock.systemUTC();
    private Registry registry;
    private boolean serviceLoader = true;
    private final List<Consumer<Registry>> registryCustomizers = new ArrayList<>();
    private Duration assumedPodTtl = Duration.ofMinutes(15);
    private Duration maxInUnschedulable = SchedulingQueue.DEFAULT_MAX_IN_UNSCHEDULABLE;
    private Random random = new Random();

    SchedulerBuilder() {
    }

    public SchedulerBuilder configuration(SchedulerConfiguration c) {
        this.configuration = c;
        return this;
    }

    public SchedulerBuilder clients(SchedulerClients c) {
        this.clients = c;
        return this;
    }

    public SchedulerBuilder listers(ClusterListers l) {
        this.listers = l;
        return this;
    }

    /** The clock for queue timestamps, backoff, timeouts and the assumed-pod TTL (tests pass a fake). */
    public SchedulerBuilder clock(Clock c) {
        this.clock = c;
        return this;
    }

    /** Replaces the plugin registry (default: in-tree plugins). */
    public SchedulerBuilder registry(Registry r) {
        this.registry = r;
        return this;
    }

    /** Adds plugins to the registry before profiles are built. */
    public SchedulerBuilder registerPlugins(Consumer<Registry> customizer) {
        this.registryCustomizers.add(customizer);
        return this;
    }

    /** Whether to register {@code PluginProvider}s found by ServiceLoader (default true). */
    public SchedulerBuilder serviceLoader(boolean enabled) {
        this.serviceLoader = enabled;
        return this;
    }

    /** How long an assumed pod whose bind returned may stay unconfirmed by the informer (default 15 min; zero: forever). */
    public SchedulerBuilder assumedPodTtl(Duration ttl) {
        this.assumedPodTtl = ttl;
        return this;
    }

    /** How long a pod stays among the unschedulable pods without a relevant event (default 5 min). */
    public SchedulerBuilder maxInUnschedulable(Duration d) {
        this.maxInUnschedulable = d;
        return this;
    }

    /** The random source for host tie-breaking (tests pass a seeded one). */
    public SchedulerBuilder random(Random r) {
        this.random = r;
        return this;
    }

    /**
     * @throws IllegalArgumentException when the configuration names unknown plugins or is otherwise invalid
     */
    public Scheduler build() {
        Registry reg = registry != null ? registry : InTreeRegistry.create();
        if (serviceLoader) reg.registerServiceLoaderPlugins(Thread.currentThread().getContextClassLoader());
        for (Consumer<Registry> c : registryCustomizers) c.accept(reg);
        Snapshot snapshot = new Snapshot();
        Nominator nominator = new Nominator();
        Parallelizer parallelizer = new Parallelizer(configuration.parallelism());
        WaitingPods waitingPods = new WaitingPods();
        FrameworkContext ctx = new FrameworkContext(snapshot, listers, clients, nominator, parallelizer, clock, waitingPods);
        List<Framework> frameworks = new ArrayList<>();
        try {
            for (ProfileConfig p : configuration.profiles()) frameworks.add(FrameworkFactory.create(p, reg, ctx));
        } catch (RuntimeException e) {
            parallelizer.close();
            waitingPods.close();
            throw e;
        }
        Profiles profiles = new Profiles(frameworks);
        SchedulerCache cache = new SchedulerCache(clock, assumedPodTtl);
        SchedulingQueue queue = new SchedulingQueue(profiles, nominator, clock, configuration.podInitialBackoff(),
            configuration.podMaxBackoff(), maxInUnschedulable);
        SchedulingAlgorithm algorithm = new SchedulingAlgorithm(cache, snapshot, parallelizer, nominator,
            configuration.percentageOfNodesToScore(), random);
        SchedulerMetrics metrics = new SchedulerMetrics();
        metrics.setQueueSizes(() -> {
            SchedulingQueue.Sizes s = queue.sizes();
            return new SchedulerMetrics.QueueSizes(s.active(), s.backoff(), s.unschedulable(), s.gated());
        });
        SchedulerEventHandlers handlers = new SchedulerEventHandlers(cache, queue, profiles, listers, waitingPods);
        return new Scheduler(cache, queue, profiles, algorithm, clients, metrics, clock, parallelizer, waitingPods, handlers);
    }
}
