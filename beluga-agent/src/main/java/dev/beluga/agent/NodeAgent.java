package dev.beluga.agent;

import dev.beluga.agent.network.CniConfig;
import dev.beluga.agent.network.HostGwRoutes;
import dev.beluga.agent.network.NodeDns;
import dev.beluga.agent.network.PodEgressMasquerade;
import dev.beluga.agent.network.ServiceInformers;
import dev.beluga.agent.network.ServiceProxies;
import dev.beluga.agent.node.MachineInfo;
import dev.beluga.agent.node.NodeLease;
import dev.beluga.agent.node.NodeRegistrar;
import dev.beluga.agent.pods.ImageGarbageCollector;
import dev.beluga.agent.pods.ImageGcPolicy;
import dev.beluga.agent.pods.ImageManager;
import dev.beluga.agent.pods.PodResources;
import dev.beluga.agent.pods.PodSyncer;
import dev.beluga.agent.pods.PodTerminator;
import dev.beluga.agent.pods.PodWorkers;
import dev.beluga.agent.probes.ProbeManager;
import dev.beluga.agent.probes.Prober;
import dev.beluga.agent.pods.SandboxConfigs;
import dev.beluga.agent.pods.StaticPods;
import dev.beluga.agent.pods.StatusManager;
import dev.beluga.agent.runtime.Pleg;
import dev.beluga.agent.server.AgentLogLocator;
import dev.beluga.agent.server.AgentStreamingRuntime;
import dev.beluga.agent.server.KubeletServer;
import dev.beluga.agent.server.StreamDialer;
import dev.beluga.agent.server.KubeletTls;
import dev.beluga.agent.stats.MachineUsage;
import dev.beluga.agent.stats.StatsProvider;
import dev.beluga.agent.runtime.RuntimeLabels;
import dev.beluga.controllers.runtime.EventRecorder;
import dev.beluga.cri.ContainerdConfig;
import dev.beluga.cri.ContainerdProcess;
import dev.beluga.cri.CriClient;
import dev.beluga.cri.v1.PodSandbox;
import dev.beluga.cri.v1.PodSandboxFilter;
import dev.beluga.proxy.ProxyRunner;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The node agent (Beluga's kubelet): starts (or connects to) the container runtime, registers the Node, renews its
 * Lease, reports node status, configures the pod network once the node has a pod CIDR, and runs the pods bound to the
 * node through {@link PodWorkers} — fed by a pod informer (field selector spec.nodeName), a relist of the runtime
 * (PLEG, every second), a periodic resync and a housekeeping pass that removes what the runtime holds for pods no
 * longer in the API.
 *
 * <p>Lifecycle: {@link #start()} once, then {@link #close()} (idempotent), which stops the agent and the containerd
 * it started but leaves pods running, as a kubelet restart does; {@link #removeAllPods()} before close stops and
 * removes every pod (for tests and {@code beluga up}'s shutdown).
 */
public final class NodeAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);
    /** The bridge pods attach to (in the agent's network namespace). */
    static final String BRIDGE = "cni0";

    private final KubernetesClient client;
    private final AgentConfig config;
    private final Function<AgentContext, PodResources> resourcesFactory;
    private final Consumer<Path> onRuntimeReady;
    private final String kubeletVersion;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private ContainerdProcess containerd;
    private CriClient cri;
    private PodWorkers workers;
    private SharedIndexInformer<Pod> podInformer;
    private ScheduledExecutorService timers;
    private PodSyncer syncer;
    private PodTerminator terminator;
    private volatile boolean networkWritten;
    private String hostIp;
    private boolean closed;
    private KubeletTls kubeletTls;
    private StreamDialer streamDialer = StreamDialer.TCP;
    private KubeletServer kubeletServer;
    private volatile ProxyRunner proxy;
    private ServiceInformers serviceInformers;
    private NodeDns dns;
    private StaticPods staticPods;
    private ImageGcPolicy imageGc = ImageGcPolicy.DEFAULT;
    private volatile boolean egress;

    /** What a {@link PodResources} implementation may use. */
    public record AgentContext(KubernetesClient client, AgentConfig config, CriClient cri, String hostIp) {}

    /**
     * @param resourcesFactory makes the environment/volume provider once the runtime is up
     * @param onRuntimeReady   called with the CRI socket once the runtime answers, before the node registers (e.g. to
     *                         import the built-in images)
     */
    public NodeAgent(KubernetesClient client, AgentConfig config, Function<AgentContext, PodResources> resourcesFactory,
                     Consumer<Path> onRuntimeReady, String kubeletVersion) {
        this.client = client;
        this.config = config;
        this.resourcesFactory = resourcesFactory;
        this.onRuntimeReady = onRuntimeReady;
        this.kubeletVersion = kubeletVersion;
    }

    /** Closes {@code c} when the agent closes (after its own parts). */
    public synchronized void closeWith(AutoCloseable c) {
        closeables.addFirst(c);
    }

    /** Serves the kubelet API (logs) with this TLS identity; without it the agent serves no API. Call before start. */
    public synchronized NodeAgent withKubeletTls(KubeletTls tls) {
        this.kubeletTls = tls;
        return this;
    }

    /**
     * Serves the kubelet API with {@code serving} from now on (a renewed serving certificate), without a restart.
     *
     * @throws IllegalStateException when the agent serves no kubelet API
     * @throws Exception             when the certificate cannot be loaded (the old one stays in use)
     */
    public void reloadKubeletServing(dev.beluga.pki.IssuedCertificate serving) throws Exception {
        KubeletServer s;
        synchronized (this) {
            s = kubeletServer;
        }
        if (s == null) throw new IllegalStateException("this agent serves no kubelet API");
        s.reloadServingCertificate(serving);
    }

    /**
     * How the kubelet API reaches the runtime's stream server for exec, attach and port-forward; plain TCP (the
     * default) when the agent shares the runtime's network namespace. Call before start.
     */
    public synchronized NodeAgent withStreamDialer(StreamDialer dialer) {
        this.streamDialer = dialer;
        return this;
    }

    /** When unused images are removed ({@link ImageGcPolicy#DEFAULT} unless set). Call before start. */
    public synchronized NodeAgent withImageGc(ImageGcPolicy policy) {
        this.imageGc = policy;
        return this;
    }

    public synchronized void start() throws Exception {
        long t0 = System.nanoTime();
        java.nio.file.Files.createDirectories(config.dataDir());
        Path socket;
        if (config.criSocket().isPresent()) {
            socket = config.criSocket().get();
        } else {
            List<String> missing = ContainerdProcess.missingBinaries();
            if (!missing.isEmpty()) {
                throw new IllegalStateException("the node agent needs " + String.join(", ", missing)
                    + " — install the Debian packages: apt-get install containerd runc containernetworking-plugins");
            }
            ContainerdConfig cc = ContainerdConfig.builder(config.containerdDir()).sandboxImage(config.sandboxImage()).build();
            containerd = ContainerdProcess.builder(cc).start();
            socket = containerd.socket();
        }
        cri = new CriClient(socket);
        cri.version();
        onRuntimeReady.accept(socket);

        MachineInfo machine = MachineInfo.read(config.dataDir());
        hostIp = config.nodeIp().or(machine::internalIp).orElse("127.0.0.1");
        int kubeletPort = config.kubeletPort();
        if (kubeletTls != null) {
            kubeletServer = new KubeletServer(new KubeletServer.Config("0.0.0.0", config.kubeletPort(), kubeletTls),
                new AgentLogLocator(this::cachedPod, cri), new AgentStreamingRuntime(this::cachedPod, cri), streamDialer)
                .withMetrics(this::metrics)
                .withStats(new StatsProvider(config.nodeName(), cri, MachineUsage.system())::summary)
                .withAuthorization(config.nodeName(), dev.beluga.agent.server.SubjectAccessReviewAuthorizer.of(client));
            kubeletServer.start();
            kubeletPort = kubeletServer.port();
        }
        String runtimeVersion = "containerd://" + cri.version().getRuntimeVersion().replaceAll("~.*", "");
        NodeRegistrar registrar = new NodeRegistrar(client, new NodeRegistrar.Spec(config.nodeName(), config.nodeLabels(),
            machine, hostIp, kubeletPort, config.maxPods(), runtimeVersion, kubeletVersion),
            () -> RuntimeStatus.problem(cri), Duration.ofMinutes(5));
        Node node = registrar.register();
        NodeLease lease = new NodeLease(client, config.nodeName(), node.getMetadata().getUid(),
            (int) config.leaseDuration().toSeconds());
        lease.renew();
        try {
            dns = NodeDns.start(client, serviceInformers(), node, hostIp, config.clusterDomain());
        } catch (Exception e) {
            log.warn("node {} serves no cluster DNS: {}", config.nodeName(), e.toString());
        }

        EventRecorder events = new EventRecorder(client);
        closeables.add(events);
        StatusManager statuses = new StatusManager(client);
        PodResources resources = resourcesFactory.apply(new AgentContext(client, config, cri, hostIp));
        SandboxConfigs sandboxes = new SandboxConfigs(withClusterDns(config), Path.of("/etc/resolv.conf"));
        terminator = new PodTerminator(cri, client, Path.of("/sys/fs/cgroup"));
        Clock clock = Clock.systemUTC();
        PodWorkers[] self = new PodWorkers[1];
        ProbeManager probes = new ProbeManager(new Prober(cri), events, uid -> self[0].signal(uid));
        closeables.add(probes);
        syncer = new PodSyncer(cri, sandboxes, new ImageManager(cri, clock), resources, statuses, probes,
            events, terminator, clock, hostIp, config.podsDir());
        workers = new PodWorkers(syncer);
        self[0] = workers;
        Pleg pleg = new Pleg(cri, workers::signal);

        timers = Executors.newScheduledThreadPool(2, Thread.ofPlatform().daemon().name("agent-timers-", 0).factory());
        long leaseMs = config.leaseDuration().toMillis() / 4;
        timers.scheduleWithFixedDelay(() -> guard("lease", lease::renew), leaseMs, leaseMs, TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(() -> guard("node status", () -> {
            writeNetworkConfig();
            registrar.reportStatus();
        }), 1, 10, TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(() -> guard("pod network", this::writeNetworkConfig), 0, 1, TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(() -> guard("relist", pleg::relist), 1, 1, TimeUnit.SECONDS);
        long sync = config.syncPeriod().toMillis();
        timers.scheduleWithFixedDelay(() -> guard("resync", workers::signalAll), sync, sync, TimeUnit.MILLISECONDS);

        staticPods = new StaticPods(config.podManifestDir(), node, client, workers::update, workers::remove);
        staticPods.watch();
        closeables.add(staticPods);
        timers.scheduleWithFixedDelay(() -> guard("static pods", staticPods::scan), 0, 20, TimeUnit.SECONDS);
        podInformer = client.pods().inAnyNamespace().withField("spec.nodeName", config.nodeName())
            .inform(new ResourceEventHandler<>() {
                @Override
                public void onAdd(Pod pod) {
                    if (StaticPods.isMirror(pod)) staticPods.onMirror(pod);
                    else workers.update(pod);
                }

                @Override
                public void onUpdate(Pod oldPod, Pod pod) {
                    if (StaticPods.isMirror(pod)) staticPods.onMirror(pod);
                    else if (onlyStatusChanged(oldPod, pod)) workers.refresh(pod);
                    else workers.update(pod);
                }

                @Override
                public void onDelete(Pod pod, boolean unknownFinalState) {
                    if (StaticPods.isMirror(pod)) staticPods.onMirrorDeleted(pod);
                    else workers.remove(pod);
                }
            }, 0);
        timers.scheduleWithFixedDelay(() -> guard("housekeeping", this::housekeeping), 10, 10, TimeUnit.SECONDS);
        // upstream's ImageGCPeriod: every 5 minutes; the image filesystem is containerd's root
        Path imageFs = containerd != null ? config.containerdDir() : Path.of("/var/lib/containerd");
        ImageGarbageCollector gc = new ImageGarbageCollector(cri, imageGc, () -> ImageGarbageCollector.DiskUsage.of(imageFs),
            Set.of(config.sandboxImage()), clock);
        timers.scheduleWithFixedDelay(() -> guard("image GC", gc::collect), 1, 5, TimeUnit.MINUTES);
        if (config.hostGwRoutes()) {
            HostGwRoutes routes = new HostGwRoutes(config.nodeName());
            timers.scheduleWithFixedDelay(() -> guard("routes", () -> routes.sync(client.nodes().list().getItems())),
                0, 5, TimeUnit.SECONDS);
        }
        log.info("node agent {} started in {} ms (runtime {}, node IP {})", config.nodeName(),
            (System.nanoTime() - t0) / 1_000_000, runtimeVersion, hostIp);
    }

    /**
     * The config with the cluster DNS servers pods use: those configured, else the cluster IP of the
     * {@code kube-system/kube-dns} Service if the cluster has one (the API server makes it), else none (pods with
     * dnsPolicy ClusterFirst then get the node's resolv.conf, as upstream's kubelet without cluster DNS).
     */
    private AgentConfig withClusterDns(AgentConfig c) {
        if (!c.clusterDns().isEmpty()) return c;
        try {
            io.fabric8.kubernetes.api.model.Service dns = client.services().inNamespace("kube-system").withName("kube-dns").get();
            String ip = dns == null || dns.getSpec() == null ? null : dns.getSpec().getClusterIP();
            if (ip != null && !ip.isEmpty() && !ip.equals("None")) {
                log.info("cluster DNS for pods of node {}: {} (Service kube-system/kube-dns)", c.nodeName(), ip);
                return c.withClusterDns(List.of(ip));
            }
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            log.warn("looking up the kube-dns Service: {}", e.getMessage());
        }
        return c;
    }

    /** Whether an update changed nothing the agent acts on (spec, labels, annotations, deletion). */
    static boolean onlyStatusChanged(Pod a, Pod b) {
        var ma = a.getMetadata();
        var mb = b.getMetadata();
        return java.util.Objects.equals(a.getSpec(), b.getSpec())
            && java.util.Objects.equals(ma.getDeletionTimestamp(), mb.getDeletionTimestamp())
            && java.util.Objects.equals(ma.getDeletionGracePeriodSeconds(), mb.getDeletionGracePeriodSeconds())
            && java.util.Objects.equals(ma.getLabels(), mb.getLabels())
            && java.util.Objects.equals(ma.getAnnotations(), mb.getAnnotations());
    }

    /** The pod the agent runs under this name: a static pod (not its mirror), or the API's. */
    private Pod cachedPod(String namespace, String name) {
        Pod s = staticPods == null ? null : staticPods.get(namespace, name);
        if (s != null) return s;
        return podInformer == null ? null : podInformer.getStore().getByKey(namespace + "/" + name);
    }

    /** The node's Service and EndpointSlice informers (proxy and DNS share them), started on first use. */
    private synchronized ServiceInformers serviceInformers() {
        if (serviceInformers == null) serviceInformers = ServiceInformers.start(client);
        return serviceInformers;
    }

    /** Writes the CNI config once the node has a pod CIDR (from the node IPAM controller). */
    private void writeNetworkConfig() throws Exception {
        if (networkWritten) return;
        Node n = client.nodes().withName(config.nodeName()).get();
        if (n == null || n.getSpec() == null || n.getSpec().getPodCIDR() == null) return;
        String podCidr = n.getSpec().getPodCIDR();
        CniConfig.write(config.cniConfDir(), config.nodeName() + "-pods", BRIDGE, podCidr, config.dataDir().resolve("cni-ipam"));
        networkWritten = true;
        log.info("pod network of node {}: {} on {}", config.nodeName(), podCidr, BRIDGE);
        proxy = ServiceProxies.start(serviceInformers(), config.proxyMode(), config.nodeName(), podCidr).orElse(null);
        egress = !config.clusterCidr().isEmpty() && PodEgressMasquerade.apply(podCidr, config.clusterCidr());
    }

    /** The agent's metrics in the Prometheus text format (today: the service proxy's). */
    String metrics() {
        ProxyRunner p = proxy;
        return p == null ? "" : p.metrics();
    }

    /** The node's service proxy, once the pod network is configured; null before or with proxy mode none. */
    public ProxyRunner proxy() {
        return proxy;
    }

    /** Removes what the runtime holds for pods that are neither in the API nor being worked on. */
    private void housekeeping() {
        if (!podInformer.hasSynced()) return;
        Set<String> known = workers.uids();
        for (PodSandbox s : cri.listPodSandbox(PodSandboxFilter.getDefaultInstance())) {
            String uid = s.getLabelsMap().get(RuntimeLabels.POD_UID);
            if (uid == null || known.contains(uid)) continue;
            boolean inApi = podInformer.getStore().list().stream().anyMatch(p -> uid.equals(p.getMetadata().getUid()));
            if (inApi) continue;
            log.info("removing orphaned pod {}/{} ({})", s.getMetadata().getNamespace(), s.getMetadata().getName(), uid);
            syncer.cleanup(s.getMetadata().getNamespace(), s.getMetadata().getName(), uid);
        }
    }

    private void guard(String what, ThrowingRunnable r) {
        try {
            r.run();
        } catch (Exception e) {
            log.warn("{} of node {} failed: {}", what, config.nodeName(), e.toString());
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    public CriClient cri() {
        return cri;
    }

    public AgentConfig config() {
        return config;
    }

    public String hostIp() {
        return hostIp;
    }

    /** Stops and removes every pod sandbox and container of the runtime and their files (for tests and shutdown). */
    public synchronized void removeAllPods() {
        if (cri == null || syncer == null) return;
        if (podInformer != null) podInformer.stop();
        if (workers != null) workers.close();
        for (PodSandbox s : cri.listPodSandbox(PodSandboxFilter.getDefaultInstance())) {
            String uid = s.getLabelsMap().get(RuntimeLabels.POD_UID);
            if (uid == null) continue;
            syncer.cleanup(s.getMetadata().getNamespace(), s.getMetadata().getName(), uid);
        }
        terminator.removeCgroupParent(config.cgroupParent());
        if (proxy != null) proxy.removeRules();
        if (dns != null) dns.withdraw();
        if (egress) PodEgressMasquerade.remove();
        if (networkWritten) {
            try {
                new ProcessBuilder("ip", "link", "del", BRIDGE).start().waitFor(10, TimeUnit.SECONDS);
            } catch (java.io.IOException e) {
                log.debug("deleting {}: {}", BRIDGE, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (podInformer != null) podInformer.stop();
        if (timers != null) timers.shutdownNow();
        if (proxy != null) proxy.close(); // the rules stay: Service traffic keeps flowing while the agent restarts
        if (dns != null) dns.close();
        if (serviceInformers != null) serviceInformers.close();
        if (kubeletServer != null) {
            try {
                kubeletServer.close();
            } catch (Exception e) {
                log.debug("stopping the kubelet API: {}", e.toString());
            }
        }
        if (workers != null) workers.close();
        for (AutoCloseable c : closeables.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                log.debug("closing {}: {}", c, e.toString());
            }
        }
        if (cri != null) cri.close();
        if (containerd != null) containerd.close();
    }
}
