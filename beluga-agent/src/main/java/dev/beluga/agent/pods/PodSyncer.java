package dev.beluga.agent.pods;

import dev.beluga.agent.runtime.PodRuntime;
import dev.beluga.agent.runtime.RuntimeLabels;
import dev.beluga.controllers.runtime.EventRecorder;
import dev.beluga.cri.CriClient;
import dev.beluga.cri.CriException;
import dev.beluga.cri.v1.ContainerState;
import dev.beluga.cri.v1.ContainerStatus;
import dev.beluga.agent.env.EnvVariable;
import dev.beluga.cri.v1.Mount;
import dev.beluga.cri.v1.PodSandbox;
import dev.beluga.cri.v1.PodSandboxConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One sync of one pod (upstream's SyncPod / computePodActions), idempotent: reads what the runtime holds for the pod,
 * makes it match the spec — a ready sandbox (recreated if it died), init containers in order, then every container
 * started, restarted per restartPolicy with CrashLoopBackOff, or killed when its liveness probe failed or its spec
 * changed — then writes the status. Deleting pods are stopped gracefully and then removed from the API; pods gone from
 * the API are cleaned up completely. Threading: never called concurrently for the same pod (the pod workers
 * serialize); different pods sync in parallel.
 */
public final class PodSyncer {
    private static final Logger log = LoggerFactory.getLogger(PodSyncer.class);
    private static final String COMPONENT = "kubelet";
    /** Exited containers kept per container name (the previous run, for lastState and logs --previous). */
    private static final int KEEP_EXITED = 1;

    /** What a sync asks of its worker: sync again after this delay (empty = only on the next event or resync). */
    public record Outcome(Optional<Duration> requeueAfter, boolean finished) {
        static Outcome idle() {
            return new Outcome(Optional.empty(), false);
        }

        static Outcome after(Duration d) {
            return new Outcome(Optional.of(d), false);
        }

        static Outcome done() {
            return new Outcome(Optional.empty(), true);
        }
    }

    private final CriClient cri;
    private final SandboxConfigs sandboxes;
    private final ImageManager images;
    private final PodResources resources;
    private final StatusManager statuses;
    private final ProbeState probes;
    private final EventRecorder events;
    private final PodTerminator terminator;
    private final Backoff crashLoop;
    private final Clock clock;
    private final String hostIp;
    private final Path podsDir;
    private final Map<String, String> podIps = new java.util.concurrent.ConcurrentHashMap<>();

    public PodSyncer(CriClient cri, SandboxConfigs sandboxes, ImageManager images, PodResources resources,
                     StatusManager statuses, ProbeState probes, EventRecorder events, PodTerminator terminator,
                     Clock clock, String hostIp, Path podsDir) {
        this.cri = cri;
        this.sandboxes = sandboxes;
        this.images = images;
        this.resources = resources;
        this.statuses = statuses;
        this.probes = probes;
        this.events = events;
        this.terminator = terminator;
        this.crashLoop = Backoff.crashLoop(clock);
        this.clock = clock;
        this.hostIp = hostIp;
        this.podsDir = podsDir;
    }

    /** Syncs a pod that is in the API (possibly being deleted). */
    public Outcome sync(Pod pod) {
        String uid = pod.getMetadata().getUid();
        PodRuntime rt = PodRuntime.read(cri, uid);
        if (pod.getMetadata().getDeletionTimestamp() != null) return terminating(pod, rt);
        if (pod.getStatus() != null && PodStatuses.isTerminal(pod.getStatus().getPhase())) {
            terminator.stopPod(pod, rt, Duration.ZERO);
            return Outcome.idle();
        }
        Map<String, PodStatuses.Waiting> waiting = new HashMap<>();
        Duration requeue = null;
        try {
            resources.setUpVolumes(pod);
        } catch (PodResources.ConfigException e) {
            events.event(pod, COMPONENT, EventRecorder.WARNING, "FailedMount", e.getMessage());
            report(pod, rt, waiting);
            return Outcome.after(Duration.ofSeconds(2));
        }
        PodSandbox sandbox = rt.readySandbox().orElse(null);
        if (sandbox == null) {
            if (wouldNotRestart(pod, rt)) {
                report(pod, rt, waiting);
                return Outcome.idle();
            }
            Optional<String> created = newSandbox(pod, rt);
            if (created.isEmpty()) {
                report(pod, PodRuntime.read(cri, uid), waiting);
                return Outcome.after(Duration.ofSeconds(5));
            }
            rt = PodRuntime.read(cri, uid);
            sandbox = rt.readySandbox().orElse(null);
            if (sandbox == null) return Outcome.after(Duration.ofSeconds(1));
        }
        PodSandbox current = sandbox;
        java.util.function.Supplier<PodSandboxConfig> sandboxConfig = memoize(() -> sandboxes.build(pod, current.getMetadata().getAttempt()));
        String podIp = podIp(sandbox.getId());
        boolean changed = false;
        Ctx ctx = new Ctx(pod, rt, sandbox, sandboxConfig, podIp, waiting);

        boolean initialized = true;
        List<Container> inits = pod.getSpec().getInitContainers() == null ? List.of() : pod.getSpec().getInitContainers();
        for (Container c : inits) {
            ContainerStatus latest = latestIn(rt, sandbox, c.getName()).orElse(null);
            if (latest == null) {
                changed |= start(ctx, c, nextAttempt(rt, c.getName()), "init");
                initialized = false;
                break;
            }
            if (latest.getState() != ContainerState.CONTAINER_EXITED) {
                initialized = false;
                break;
            }
            if (latest.getExitCode() == 0) continue;
            initialized = false;
            if (!"Never".equals(restartPolicy(pod))) {
                Duration d = restartWithBackoff(ctx, c, latest, "init");
                if (d != null) requeue = min(requeue, d);
                else changed = true;
            }
            break;
        }
        if (initialized) {
            for (Container c : pod.getSpec().getContainers()) {
                ContainerStatus latest = latestIn(rt, sandbox, c.getName()).orElse(null);
                if (latest == null) {
                    changed |= start(ctx, c, nextAttempt(rt, c.getName()), "app");
                    continue;
                }
                switch (latest.getState()) {
                    case CONTAINER_RUNNING -> {
                        String why = probes.mustRestart(uid, c.getName(), latest.getId());
                        if (why == null && !ContainerConfigs.hash(c).equals(latest.getAnnotationsMap().get(RuntimeLabels.CONTAINER_HASH))) {
                            why = "Container " + c.getName() + " definition changed, will be restarted";
                        }
                        if (why != null) {
                            events.event(pod, COMPONENT, EventRecorder.NORMAL, "Killing", why);
                            terminator.killContainer(pod, c, latest.getId(), terminator.gracePeriod(pod));
                            changed = true;
                        }
                    }
                    case CONTAINER_CREATED -> {
                        try {
                            cri.startContainer(latest.getId());
                            changed = true;
                        } catch (CriException e) {
                            waiting.put(c.getName(), new PodStatuses.Waiting("RunContainerError", e.getMessage()));
                        }
                    }
                    case CONTAINER_EXITED -> {
                        if (shouldRestart(pod, latest)) {
                            Duration d = restartWithBackoff(ctx, c, latest, "app");
                            if (d != null) requeue = min(requeue, d);
                            else changed = true;
                        }
                    }
                    default -> { }
                }
            }
        }
        if (changed) rt = PodRuntime.read(cri, uid);
        probes.observe(pod, rt, podIp);
        removeOldContainers(rt);
        report(pod, rt, waiting);
        if (!waiting.isEmpty() && requeue == null) requeue = Duration.ofSeconds(5);
        return requeue == null ? Outcome.idle() : Outcome.after(requeue);
    }

    /**
     * A pod being deleted: stops its containers gracefully (preStop hooks, SIGTERM, SIGKILL after the grace period)
     * and the sandbox, writes the final status, then deletes the pod from the API with grace period 0.
     */
    private Outcome terminating(Pod pod, PodRuntime rt) {
        probes.forget(pod.getMetadata().getUid());
        terminator.stopPod(pod, rt, terminator.gracePeriod(pod));
        PodRuntime after = PodRuntime.read(cri, pod.getMetadata().getUid());
        PodStatus status = PodStatuses.build(pod, after, inputs(pod, after, Map.of()));
        if (!PodStatuses.isTerminal(status.getPhase())) {
            boolean allSucceeded = status.getContainerStatuses().stream().allMatch(s -> s.getState().getTerminated() != null
                && s.getState().getTerminated().getExitCode() == 0);
            status.setPhase(allSucceeded ? "Succeeded" : "Failed");
        }
        statuses.update(pod, status);
        terminator.deleteFromApi(pod);
        return Outcome.idle();
    }

    /** A pod no longer in the API: stops and removes everything the node holds for it. */
    public Outcome cleanup(String namespace, String name, String uid) {
        PodRuntime rt = PodRuntime.read(cri, uid);
        terminator.removeAll(rt);
        PodRuntime.forget(rt.containers().stream().map(ContainerStatus::getId).toList());
        resources.tearDown(uid);
        statuses.forget(uid);
        probes.forget(uid);
        crashLoop.resetPrefix(uid + "/");
        podIps.keySet().removeIf(k -> rt.sandboxes().stream().anyMatch(s -> s.getId().equals(k)));
        deleteTree(podsDir.resolve(uid));
        deleteTree(sandboxes.logDirectory(namespace, name, uid));
        terminator.removeCgroups(sandboxes.podCgroup(uid));
        log.debug("cleaned up pod {}/{} ({})", namespace, name, uid);
        return Outcome.done();
    }

    /** One sync's context; the sandbox config is built only when a container is created. */
    private record Ctx(Pod pod, PodRuntime rt, PodSandbox sandbox, java.util.function.Supplier<PodSandboxConfig> sandboxConfig,
                       String podIp, Map<String, PodStatuses.Waiting> waiting) {}

    private static <T> java.util.function.Supplier<T> memoize(java.util.function.Supplier<T> s) {
        Object[] box = new Object[1];
        return () -> {
            if (box[0] == null) box[0] = s.get();
            @SuppressWarnings("unchecked") T t = (T) box[0];
            return t;
        };
    }

    private Optional<String> newSandbox(Pod pod, PodRuntime rt) {
        Optional<PodSandbox> old = rt.latestSandbox();
        if (old.isPresent()) {
            events.event(pod, COMPONENT, EventRecorder.NORMAL, "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.");
            terminator.stopPod(pod, rt, Duration.ZERO);
        }
        int attempt = old.map(s -> s.getMetadata().getAttempt() + 1).orElse(0);
        PodSandboxConfig config = sandboxes.build(pod, attempt);
        try {
            Files.createDirectories(Path.of(config.getLogDirectory()));
            long t0 = System.nanoTime();
            String id = cri.runPodSandbox(config, "");
            log.debug("pod {}/{}: sandbox {} ready in {} ms", pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                id.substring(0, 12), (System.nanoTime() - t0) / 1_000_000);
            return Optional.of(id);
        } catch (CriException | IOException e) {
            events.event(pod, COMPONENT, EventRecorder.WARNING, "FailedCreatePodSandBox",
                "Failed to create pod sandbox: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Creates and starts a container; returns whether the runtime changed. Problems become waiting reasons. */
    private boolean start(Ctx ctx, Container c, int attempt, String kind) {
        Pod pod = ctx.pod();
        String uid = pod.getMetadata().getUid();
        ImageManager.Ready image;
        try {
            image = images.ensure(c.getImage(), c.getImagePullPolicy(), uid + "/" + c.getName(), ctx.sandboxConfig().get(),
                () -> events.event(pod, COMPONENT, EventRecorder.NORMAL, "Pulling", "Pulling image \"" + c.getImage() + "\""));
            events.event(pod, COMPONENT, EventRecorder.NORMAL, "Pulled", image.pulled()
                ? "Successfully pulled image \"" + c.getImage() + "\" in " + image.pullTime().toMillis() + "ms"
                : "Container image \"" + c.getImage() + "\" already present on machine");
        } catch (ImageManager.ImageException e) {
            ctx.waiting().put(c.getName(), new PodStatuses.Waiting(e.reason(), e.getMessage()));
            boolean backingOff = "ImagePullBackOff".equals(e.reason());
            events.event(pod, COMPONENT, backingOff ? EventRecorder.NORMAL : EventRecorder.WARNING,
                backingOff ? "BackOff" : "Failed", backingOff ? e.getMessage() : "Failed to pull image \"" + c.getImage() + "\": " + e.getMessage());
            return false;
        }
        String id;
        try {
            List<EnvVariable> env = resources.env(pod, c, ctx.podIp(), hostIp);
            List<List<String>> cmd = resources.commandAndArgs(c, env);
            List<Mount> mounts = new ArrayList<>(resources.mounts(pod, c, env, ctx.podIp()));
            Path termination = terminationFile(uid, c.getName());
            mounts.add(Mount.newBuilder().setContainerPath(ContainerConfigs.terminationMessagePath(c))
                .setHostPath(termination.toString()).build());
            var config = ContainerConfigs.build(pod, c, new ContainerConfigs.Inputs(attempt, kind, image.imageRef(),
                cmd.get(0), cmd.get(1), EnvVariable.toKeyValues(env), mounts, termination.toString()));
            id = cri.createContainer(ctx.sandbox().getId(), config, ctx.sandboxConfig().get());
        } catch (PodResources.ConfigException e) {
            ctx.waiting().put(c.getName(), new PodStatuses.Waiting("CreateContainerConfigError", e.getMessage()));
            events.event(pod, COMPONENT, EventRecorder.WARNING, "Failed", "Error: " + e.getMessage());
            return false;
        } catch (CriException | IOException e) {
            ctx.waiting().put(c.getName(), new PodStatuses.Waiting("CreateContainerError", e.getMessage()));
            events.event(pod, COMPONENT, EventRecorder.WARNING, "Failed", "Error: " + e.getMessage());
            return false;
        }
        events.event(pod, COMPONENT, EventRecorder.NORMAL, "Created", "Created container " + c.getName());
        try {
            cri.startContainer(id);
        } catch (CriException e) {
            ctx.waiting().put(c.getName(), new PodStatuses.Waiting("RunContainerError", e.getMessage()));
            events.event(pod, COMPONENT, EventRecorder.WARNING, "Failed", "Error: " + e.getMessage());
            return true;
        }
        events.event(pod, COMPONENT, EventRecorder.NORMAL, "Started", "Started container " + c.getName());
        log.debug("pod {}/{}: container {} started", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), c.getName());
        if (c.getLifecycle() != null && c.getLifecycle().getPostStart() != null) {
            String failure = terminator.hooks().run(c.getLifecycle().getPostStart(), c, id, ctx.podIp(), Duration.ofSeconds(30));
            if (failure != null) {
                events.event(pod, COMPONENT, EventRecorder.WARNING, "FailedPostStartHook", failure);
                terminator.killContainer(pod, c, id, terminator.gracePeriod(pod));
            }
        }
        return true;
    }

    /** Restarts an exited container unless it is backing off; returns the wait left when backing off, else null. */
    private Duration restartWithBackoff(Ctx ctx, Container c, ContainerStatus latest, String kind) {
        String key = ctx.pod().getMetadata().getUid() + "/" + c.getName();
        Instant finished = Instant.ofEpochSecond(0, latest.getFinishedAt());
        if (crashLoop.inBackoffSince(key, finished)) {
            Duration delay = crashLoop.delay(key);
            var m = ctx.pod().getMetadata();
            String message = "back-off " + format(delay) + " restarting failed container=" + c.getName()
                + " pod=" + m.getName() + "_" + m.getNamespace() + "(" + m.getUid() + ")";
            ctx.waiting().put(c.getName(), new PodStatuses.Waiting("CrashLoopBackOff", message));
            events.event(ctx.pod(), COMPONENT, EventRecorder.WARNING, "BackOff", "Back-off restarting failed container "
                + c.getName() + " in pod " + m.getName() + "_" + m.getNamespace() + "(" + m.getUid() + ")");
            Duration left = crashLoop.remaining(key, finished);
            return left.isZero() ? Duration.ofMillis(100) : left.plusMillis(50);
        }
        crashLoop.next(key);
        start(ctx, c, (int) latest.getMetadata().getAttempt() + 1, kind);
        return null;
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 60 && s % 60 == 0 ? (s / 60) + "m0s" : s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
    }

    private static Duration min(Duration a, Duration b) {
        return a == null || b.compareTo(a) < 0 ? b : a;
    }

    private static String restartPolicy(Pod pod) {
        return pod.getSpec().getRestartPolicy() == null ? "Always" : pod.getSpec().getRestartPolicy();
    }

    private static boolean shouldRestart(Pod pod, ContainerStatus exited) {
        return switch (restartPolicy(pod)) {
            case "Never" -> false;
            case "OnFailure" -> exited.getExitCode() != 0;
            default -> true;
        };
    }

    /**
     * Whether the sandbox is gone for a pod that will not run anything again (restartPolicy Never/OnFailure and
     * every container has finished for good): then no new sandbox is made.
     */
    private boolean wouldNotRestart(Pod pod, PodRuntime rt) {
        if (rt.latestSandbox().isEmpty() || "Always".equals(restartPolicy(pod))) return false;
        for (Container c : pod.getSpec().getContainers()) {
            Optional<ContainerStatus> s = rt.latest(c.getName());
            if (s.isEmpty() || s.get().getState() != ContainerState.CONTAINER_EXITED || shouldRestart(pod, s.get())) return false;
        }
        return true;
    }

    /** The newest container of this name if it belongs to the current sandbox (a new sandbox starts all over). */
    private static Optional<ContainerStatus> latestIn(PodRuntime rt, PodSandbox sandbox, String name) {
        return rt.latest(name).filter(s -> sandbox.getId().equals(rt.sandboxOf(s.getId())));
    }

    private static int nextAttempt(PodRuntime rt, String name) {
        return rt.latest(name).map(s -> (int) s.getMetadata().getAttempt() + 1).orElse(0);
    }

    private String podIp(String sandboxId) {
        return podIps.computeIfAbsent(sandboxId, id -> {
            try {
                return cri.podSandboxStatus(id, false).getStatus().getNetwork().getIp();
            } catch (CriException e) {
                return "";
            }
        });
    }

    private void report(Pod pod, PodRuntime rt, Map<String, PodStatuses.Waiting> waiting) {
        statuses.update(pod, PodStatuses.build(pod, rt, inputs(pod, rt, waiting)));
    }

    private PodStatuses.Inputs inputs(Pod pod, PodRuntime rt, Map<String, PodStatuses.Waiting> waiting) {
        String podIp = rt.readySandbox().map(s -> podIp(s.getId())).orElse(null);
        return new PodStatuses.Inputs(hostIp, podIp, waiting, probes,
            clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
    }

    /** Removes exited containers beyond the newest {@link #KEEP_EXITED} + the current one per name. */
    private void removeOldContainers(PodRuntime rt) {
        Map<String, Integer> seen = new HashMap<>();
        for (ContainerStatus s : rt.containers()) {
            int n = seen.merge(s.getMetadata().getName(), 1, Integer::sum);
            if (n > KEEP_EXITED + 1 && s.getState() == ContainerState.CONTAINER_EXITED) {
                try {
                    cri.removeContainer(s.getId());
                    PodRuntime.forget(List.of(s.getId()));
                    deleteQuietly(s.getAnnotationsMap().get(RuntimeLabels.TERMINATION_MESSAGE_HOST_PATH));
                } catch (CriException e) {
                    log.debug("removing old container {}: {}", s.getId(), e.getMessage());
                }
            }
        }
    }

    /** A fresh empty host file for the container's termination message (world-writable: any user may write it). */
    private Path terminationFile(String uid, String container) throws IOException {
        Path dir = podsDir.resolve(uid).resolve("containers").resolve(container);
        Files.createDirectories(dir);
        Path f = dir.resolve(UUID.randomUUID().toString().substring(0, 8));
        Files.createFile(f);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-rw-"));
        return f;
    }

    private static void deleteQuietly(String path) {
        if (path == null) return;
        try {
            Files.deleteIfExists(Path.of(path));
        } catch (IOException ignored) {
            // best effort
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.debug("deleting {}: {}", p, e.toString());
                }
            });
        } catch (IOException e) {
            log.debug("deleting {}: {}", dir, e.toString());
        }
    }
}
