package dev.beluga.controllers.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Runs controllers as kube-controller-manager does: while holding the {@code kube-system/kube-controller-manager}
 * Lease (or at once without leader election), it builds the controllers, lets them register on shared informers,
 * starts and syncs the informers, then runs each controller's workers (virtual threads) over its work queue. When
 * leadership is lost everything of that term is stopped and the manager campaigns again with fresh controllers.
 *
 * <p>Each worker: {@code key = queue.get(); try reconcile(key) -> forget; catch -> addRateLimited; finally done}.
 * Threading: {@link #start} returns at once; {@link #close} stops everything (releasing the lease).
 */
public final class ControllerManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControllerManager.class);
    public static final String LEASE_NAMESPACE = "kube-system";
    public static final String LEASE_NAME = "kube-controller-manager";

    private final KubernetesClient client;
    private final Supplier<List<Controller>> controllers;
    private final Clock clock;
    private final String identity;
    private final boolean leaderElection;
    private volatile boolean closed;
    private volatile CountDownLatch running;
    private Thread thread;

    /**
     * @param controllers makes the controllers of one leadership term (fresh objects each time)
     */
    public ControllerManager(KubernetesClient client, Supplier<List<Controller>> controllers, Clock clock, String identity,
                             boolean leaderElection) {
        this.client = client;
        this.controllers = controllers;
        this.clock = clock;
        this.identity = identity;
        this.leaderElection = leaderElection;
    }

    public synchronized void start() {
        if (thread != null) return;
        thread = Thread.ofVirtual().name("controller-manager").start(this::run);
    }

    /** Waits until the controllers of the current term have synced their informers and started; false on timeout. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            CountDownLatch r = running;
            if (r != null && r.getCount() == 0) return true;
            Thread.sleep(20);
        }
        return false;
    }

    private void run() {
        while (!closed) {
            try {
                if (!leaderElection) {
                    term();
                    return;
                }
                LeaderElector elector = new LeaderElector(client, new LeaderElectionConfigBuilder()
                    .withName(LEASE_NAME).withLeaseDuration(Duration.ofSeconds(15)).withRenewDeadline(Duration.ofSeconds(10))
                    .withRetryPeriod(Duration.ofSeconds(2)).withReleaseOnCancel(true)
                    .withLock(new LeaseLock(LEASE_NAMESPACE, LEASE_NAME, identity))
                    .withLeaderCallbacks(new LeaderCallbacks(() -> Thread.ofVirtual().name("controller-manager-term").start(this::termQuietly),
                        () -> log.info("controller manager {} stopped leading", identity),
                        leader -> log.info("controller manager leader is now {}", leader)))
                    .build(), Executors.newVirtualThreadPerTaskExecutor());
                elector.run();
                stopTerm();
            } catch (Exception e) {
                if (closed) return;
                log.warn("controller manager failed, restarting in 2 s: {}", e.toString());
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private volatile Runnable stopCurrent = () -> { };

    private void stopTerm() {
        stopCurrent.run();
    }

    private void termQuietly() {
        try {
            term();
        } catch (Exception e) {
            log.error("controllers failed to start: {}", e.toString());
        }
    }

    /** One leadership term: runs until {@link #stopTerm} or close. */
    private void term() throws Exception {
        log.info("controller manager {} is leading", identity);
        List<Controller> list = controllers.get();
        Informers informers = new Informers(client);
        EventRecorder events = new EventRecorder(client);
        ControllerContext ctx = new ControllerContext(client, informers, events, clock);
        List<WorkQueue<String>> queues = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        CountDownLatch stop = new CountDownLatch(1);
        stopCurrent = stop::countDown;
        try {
            for (Controller c : list) {
                WorkQueue<String> q = new WorkQueue<>(RateLimiters.controllerDefault(), c.name());
                queues.add(q);
                c.register(ctx, q);
            }
            informers.startAndSync(Duration.ofMinutes(2));
            for (int i = 0; i < list.size(); i++) {
                Controller c = list.get(i);
                WorkQueue<String> q = queues.get(i);
                for (int w = 0; w < c.workers(); w++)
                    workers.add(Thread.ofVirtual().name(c.name() + "-" + w).start(() -> work(c, q)));
            }
            running = new CountDownLatch(0);
            log.info("{} controllers running", list.size());
            while (!closed && !stop.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
                // until the term ends
            }
        } finally {
            running = null;
            for (WorkQueue<String> q : queues) q.shutDown();
            for (Thread t : workers) t.interrupt();
            informers.close();
            events.close();
        }
    }

    private static void work(Controller c, WorkQueue<String> q) {
        while (true) {
            String key;
            try {
                key = q.get();
            } catch (InterruptedException e) {
                return;
            }
            if (key == null) return;
            try {
                c.reconcile(key);
                q.forget(key);
            } catch (InterruptedException e) {
                q.done(key);
                return;
            } catch (Exception e) {
                int retries = q.retries(key);
                // a conflict means the cache was behind a write: normal, retried at once with backoff
                boolean conflict = e instanceof io.fabric8.kubernetes.client.KubernetesClientException k && k.getCode() == 409;
                if (conflict) log.debug("{}: syncing {} met a conflict (retry {})", c.name(), key, retries);
                else if (retries < 5 || retries % 10 == 0) log.info("{}: syncing {} failed (retry {}): {}", c.name(), key, retries, e.toString());
                q.addRateLimited(key);
            } finally {
                q.done(key);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        stopTerm();
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
