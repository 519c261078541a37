package dev.beluga.scheduler.apiclient;

import dev.beluga.scheduler.Scheduler;
import dev.beluga.scheduler.client.SchedulerClients;
import dev.beluga.scheduler.config.SchedulerConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Runs a scheduler against an API server, as {@code kube-scheduler} does: informers first (so the cache is warm),
 * then leader election through the {@code kube-system/kube-scheduler} Lease (15 s lease, renewed every 2 s, given up
 * after 10 s without renewal), and the scheduling loop only while leading. When leadership is lost the scheduler is
 * thrown away and the runner starts over with fresh informers and a new election, so a server that lost its lease
 * during a network partition comes back as a follower.
 *
 * <p>Threading: {@link #start()} returns at once; the runner lives on one virtual thread. {@link #close()} stops it,
 * releasing the lease if held. {@link #current()} returns the scheduler of the current term (or null) for metrics and
 * tests.
 */
public final class SchedulerRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SchedulerRunner.class);
    public static final String LEASE_NAMESPACE = "kube-system";
    public static final String LEASE_NAME = "kube-scheduler";

    private final KubernetesClient client;
    private final SchedulerConfiguration configuration;
    private final String identity;
    private final boolean leaderElection;
    private final Consumer<Scheduler> onLeading;
    private volatile Scheduler current;
    private volatile boolean closed;
    private Thread thread;

    /**
     * @param leaderElection false runs the loop at once without a lease (a single server, tests)
     * @param onLeading      called with each new scheduler when it starts leading (metrics registration, tests)
     */
    public SchedulerRunner(KubernetesClient client, SchedulerConfiguration configuration, String identity,
                           boolean leaderElection, Consumer<Scheduler> onLeading) {
        this.client = client;
        this.configuration = configuration;
        this.identity = identity;
        this.leaderElection = leaderElection;
        this.onLeading = onLeading;
    }

    public synchronized void start() {
        if (thread != null) return;
        thread = Thread.ofVirtual().name("scheduler-runner").start(this::run);
    }

    public Scheduler current() {
        return current;
    }

    private void run() {
        while (!closed) {
            try (SchedulerInformers informers = new SchedulerInformers(client);
                 ApiEventRecorder events = new ApiEventRecorder(client, "default-scheduler", identity)) {
                ApiPodWriter writer = new ApiPodWriter(client);
                Scheduler scheduler = Scheduler.builder().configuration(configuration).listers(informers.listers())
                    .clients(new SchedulerClients(writer, events, writer, writer, writer)).build();
                try {
                    informers.start(scheduler.handlers(), Duration.ofMinutes(2));
                    if (!leaderElection) {
                        lead(scheduler);
                        while (!closed) Thread.sleep(1000);
                        return;
                    }
                    LeaderElector elector = new LeaderElector(client, new LeaderElectionConfigBuilder()
                        .withName(LEASE_NAME).withLeaseDuration(Duration.ofSeconds(15)).withRenewDeadline(Duration.ofSeconds(10))
                        .withRetryPeriod(Duration.ofSeconds(2)).withReleaseOnCancel(true)
                        .withLock(new LeaseLock(LEASE_NAMESPACE, LEASE_NAME, identity))
                        .withLeaderCallbacks(new LeaderCallbacks(() -> lead(scheduler),
                            () -> log.info("scheduler {} stopped leading", identity),
                            leader -> log.info("scheduler leader is now {}", leader)))
                        .build(), Executors.newVirtualThreadPerTaskExecutor());
                    elector.run(); // returns when leadership is lost (or never gained and interrupted)
                } finally {
                    current = null;
                    scheduler.close();
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (closed) return;
                log.warn("scheduler failed, restarting in 2 s: {}", e.toString());
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void lead(Scheduler scheduler) {
        log.info("scheduler {} is leading", identity);
        current = scheduler;
        if (onLeading != null) onLeading.accept(scheduler);
        scheduler.start();
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            t.join(10_000);
        }
    }
}
