package dev.beluga.agent.pods;

import dev.beluga.agent.env.EnvException;
import dev.beluga.agent.env.EnvResolver;
import dev.beluga.agent.env.EnvVariable;
import dev.beluga.agent.env.Expansion;
import dev.beluga.agent.volumes.EtcHosts;
import dev.beluga.agent.volumes.ObjectSource;
import dev.beluga.agent.volumes.PodVolumes;
import dev.beluga.agent.volumes.RefreshResult;
import dev.beluga.agent.volumes.VolumeException;
import dev.beluga.cri.v1.Mount;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The kubelet's view of the cluster for a pod's containers: volumes set up by {@link PodVolumes} (and refreshed —
 * configMap, secret, downwardAPI, projected — at most every {@code refreshPeriod} per pod, so changed objects reach
 * running pods), the environment by {@link EnvResolver}, {@code $(VAR)} expansion of command and args, and the pod's
 * managed {@code /etc/hosts}; projected service-account tokens from an {@link ApiTokenSource} (renewed in place by
 * the same refresh). Thread-safe; calls for one pod come from its worker.
 */
public final class ClusterPodResources implements PodResources {
    private final PodVolumes volumes;
    private final ApiTokenSource tokens;
    private final EnvResolver env;
    private final Supplier<Map<String, Quantity>> allocatable;
    private final String clusterDomain;
    private final Path nodeHostsFile;
    private final Duration refreshPeriod;
    private final Clock clock;
    private final Map<String, Instant> lastSetUp = new ConcurrentHashMap<>();

    /** Without service-account tokens (serviceAccountToken projections fail). */
    public ClusterPodResources(Path podsDir, ObjectSource objects, Supplier<Map<String, Quantity>> allocatable,
                               String clusterDomain, Path nodeHostsFile, Duration refreshPeriod, Clock clock) {
        this(podsDir, objects, null, allocatable, clusterDomain, nodeHostsFile, refreshPeriod, clock);
    }

    /** With projected service-account tokens from {@code tokens} (null: none), dropped when a pod is torn down. */
    public ClusterPodResources(Path podsDir, ObjectSource objects, ApiTokenSource tokens, Supplier<Map<String, Quantity>> allocatable,
                               String clusterDomain, Path nodeHostsFile, Duration refreshPeriod, Clock clock) {
        this.tokens = tokens;
        this.volumes = new PodVolumes(podsDir, objects, java.util.Optional.ofNullable(tokens), allocatable);
        this.env = new EnvResolver(objects);
        this.allocatable = allocatable;
        this.clusterDomain = clusterDomain;
        this.nodeHostsFile = nodeHostsFile;
        this.refreshPeriod = refreshPeriod;
        this.clock = clock;
    }

    @Override
    public void setUpVolumes(Pod pod) throws ConfigException {
        String uid = pod.getMetadata().getUid();
        Instant last = lastSetUp.get(uid);
        Instant now = clock.instant();
        try {
            if (last == null) {
                volumes.setUp(pod);
                lastSetUp.put(uid, now);
            } else if (Duration.between(last, now).compareTo(refreshPeriod) >= 0) {
                RefreshResult r = volumes.refresh(pod);
                lastSetUp.put(uid, now);
                if (r != null && r.failed() != null && !r.failed().isEmpty()) {
                    throw new ConfigException("refreshing volumes: " + r.failed());
                }
            }
        } catch (VolumeException e) {
            lastSetUp.remove(uid);
            throw new ConfigException("MountVolume.SetUp failed: " + e.getMessage());
        }
    }

    @Override
    public List<EnvVariable> env(Pod pod, Container container, String podIp, String hostIp) throws ConfigException {
        try {
            return env.resolve(pod, container, podIp == null || podIp.isEmpty() ? List.of() : List.of(podIp),
                List.of(hostIp), allocatable.get()).variables();
        } catch (EnvException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    @Override
    public List<List<String>> commandAndArgs(Container container, List<EnvVariable> variables) {
        return List.of(Expansion.expandAll(container.getCommand() == null ? List.of() : container.getCommand(), variables),
            Expansion.expandAll(container.getArgs() == null ? List.of() : container.getArgs(), variables));
    }

    @Override
    public List<Mount> mounts(Pod pod, Container container, List<EnvVariable> variables, String podIp) throws ConfigException {
        List<String> podIps = podIp == null || podIp.isEmpty() ? List.of() : List.of(podIp);
        try {
            List<Mount> out = new ArrayList<>(volumes.mounts(pod, container, variables));
            Path hosts = EtcHosts.write(volumes.dirs(), pod, podIps, clusterDomain, nodeHostsFile);
            EtcHosts.mountFor(pod, podIps, container, hosts).ifPresent(out::add);
            return out;
        } catch (VolumeException e) {
            throw new ConfigException(e.getMessage());
        } catch (IOException e) {
            throw new ConfigException("writing /etc/hosts: " + e.getMessage());
        }
    }

    @Override
    public void tearDown(String podUid) {
        lastSetUp.remove(podUid);
        if (tokens != null) tokens.forget(podUid);
        try {
            volumes.tearDown(podUid);
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(ClusterPodResources.class).warn("tearing down the volumes of pod {}: {}", podUid, e.toString());
        }
    }
}
