package dev.beluga.cri;

import dev.beluga.cri.v1.AttachRequest;
import dev.beluga.cri.v1.AuthConfig;
import dev.beluga.cri.v1.Container;
import dev.beluga.cri.v1.ContainerConfig;
import dev.beluga.cri.v1.ContainerFilter;
import dev.beluga.cri.v1.ContainerStats;
import dev.beluga.cri.v1.ContainerStatsFilter;
import dev.beluga.cri.v1.ContainerStatsRequest;
import dev.beluga.cri.v1.ContainerStatusRequest;
import dev.beluga.cri.v1.ContainerStatusResponse;
import dev.beluga.cri.v1.CreateContainerRequest;
import dev.beluga.cri.v1.ExecRequest;
import dev.beluga.cri.v1.ExecSyncRequest;
import dev.beluga.cri.v1.ExecSyncResponse;
import dev.beluga.cri.v1.Image;
import dev.beluga.cri.v1.ImageFilter;
import dev.beluga.cri.v1.ImageServiceGrpc;
import dev.beluga.cri.v1.ImageSpec;
import dev.beluga.cri.v1.ImageStatusRequest;
import dev.beluga.cri.v1.ImageStatusResponse;
import dev.beluga.cri.v1.ListContainerStatsRequest;
import dev.beluga.cri.v1.ListContainersRequest;
import dev.beluga.cri.v1.ListImagesRequest;
import dev.beluga.cri.v1.ListPodSandboxRequest;
import dev.beluga.cri.v1.PodSandbox;
import dev.beluga.cri.v1.PodSandboxConfig;
import dev.beluga.cri.v1.PodSandboxFilter;
import dev.beluga.cri.v1.PodSandboxStatusRequest;
import dev.beluga.cri.v1.PodSandboxStatusResponse;
import dev.beluga.cri.v1.PortForwardRequest;
import dev.beluga.cri.v1.PullImageRequest;
import dev.beluga.cri.v1.RemoveContainerRequest;
import dev.beluga.cri.v1.RemoveImageRequest;
import dev.beluga.cri.v1.RemovePodSandboxRequest;
import dev.beluga.cri.v1.RunPodSandboxRequest;
import dev.beluga.cri.v1.RuntimeServiceGrpc;
import dev.beluga.cri.v1.StartContainerRequest;
import dev.beluga.cri.v1.StatusRequest;
import dev.beluga.cri.v1.StatusResponse;
import dev.beluga.cri.v1.StopContainerRequest;
import dev.beluga.cri.v1.StopPodSandboxRequest;
import dev.beluga.cri.v1.VersionRequest;
import dev.beluga.cri.v1.VersionResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractBlockingStub;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A CRI v1 client for one runtime socket (containerd's {@code containerd.sock}), speaking gRPC over a unix domain
 * socket with Netty's epoll transport.
 *
 * <p>Contract:
 * <ul>
 *   <li>Construction does not connect; the first call does, and a runtime that is not (yet) listening makes that call
 *       fail with a {@link CriException} whose code is {@code UNAVAILABLE}. Calls are not retried here; the caller
 *       (the node agent's sync loop) decides.
 *   <li>Every call carries a deadline: {@link #callTimeout()} for ordinary calls; {@link #pullImage} uses the pull
 *       timeout; {@link #execSync} and {@link #stopContainer} extend the deadline by the command's or stop's own
 *       timeout, so the runtime's timeout fires first.
 *   <li>Every failure is a {@link CriException} naming the call; gRPC exceptions never escape.
 *   <li>Thread-safe: one client is meant to be shared by all of a node's workers. {@link #close()} ends the channel
 *       and its single event-loop thread; calls after close fail.
 *   <li>"Remove" and "Stop" calls are idempotent on the runtime side (an absent object is not an error), as CRI
 *       specifies.
 * </ul>
 *
 * <p>Methods return the generated protobuf messages ({@code dev.beluga.cri.v1}); where a response carries a single
 * value (an ID, an image reference, a list) that value is returned instead.
 */
public final class CriClient implements AutoCloseable {
    /** Deadline of ordinary calls unless configured otherwise. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);
    /** Deadline of image pulls unless configured otherwise. */
    public static final Duration DEFAULT_PULL_TIMEOUT = Duration.ofMinutes(10);
    /** Largest response accepted (the kubelet's limit too: ListContainers on a busy node is large). */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    /** The CRI API version this client speaks, sent in {@code VersionRequest}. */
    public static final String API_VERSION = "v1";

    private final Path socket;
    private final Duration callTimeout;
    private final Duration pullTimeout;
    private final EventLoopGroup eventLoop;
    private final ManagedChannel channel;
    private final RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime;
    private final ImageServiceGrpc.ImageServiceBlockingStub images;

    /** A client for {@code socket} with the default deadlines. */
    public CriClient(Path socket) {
        this(socket, DEFAULT_CALL_TIMEOUT, DEFAULT_PULL_TIMEOUT);
    }

    /**
     * A client for {@code socket}.
     *
     * @param callTimeout deadline of each ordinary call (positive)
     * @param pullTimeout deadline of {@link #pullImage} (positive)
     * @throws IllegalStateException when the epoll transport is not available (not Linux x86_64)
     */
    public CriClient(Path socket, Duration callTimeout, Duration pullTimeout) {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.callTimeout = positive(callTimeout, "callTimeout");
        this.pullTimeout = positive(pullTimeout, "pullTimeout");
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException(
                    "the CRI client needs Netty's epoll transport (Linux x86_64), which is unavailable",
                    Epoll.unavailabilityCause());
        }
        this.eventLoop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("cri-client", true),
                EpollIoHandler.newFactory());
        this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .eventLoopGroup(eventLoop)
                .channelType(EpollDomainSocketChannel.class)
                .usePlaintext()
                .overrideAuthority("localhost")
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .build();
        this.runtime = RuntimeServiceGrpc.newBlockingStub(channel);
        this.images = ImageServiceGrpc.newBlockingStub(channel);
    }

    private static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        return d;
    }

    /** The runtime socket this client talks to. */
    public Path socket() {
        return socket;
    }

    /** The deadline of ordinary calls. */
    public Duration callTimeout() {
        return callTimeout;
    }

    // ------------------------------------------------------------------------------------------ RuntimeService

    /** Runtime name, version and CRI API version ({@code runtime_api_version} is {@code "v1"} for containerd 1.6). */
    public VersionResponse version() {
        return runtime("Version", callTimeout,
                s -> s.version(VersionRequest.newBuilder().setVersion(API_VERSION).build()));
    }

    /** The runtime's conditions (RuntimeReady, NetworkReady); {@code verbose} adds runtime-specific info. */
    public StatusResponse status(boolean verbose) {
        return runtime("Status", callTimeout, s -> s.status(StatusRequest.newBuilder().setVerbose(verbose).build()));
    }

    /**
     * Creates and starts a pod sandbox; returns its ID.
     *
     * @param runtimeHandler the RuntimeClass handler, or empty/null for the runtime's default
     */
    public String runPodSandbox(PodSandboxConfig config, String runtimeHandler) {
        RunPodSandboxRequest.Builder req = RunPodSandboxRequest.newBuilder().setConfig(config);
        if (runtimeHandler != null) {
            req.setRuntimeHandler(runtimeHandler);
        }
        return runtime("RunPodSandbox", callTimeout, s -> s.runPodSandbox(req.build())).getPodSandboxId();
    }

    /** Stops the sandbox's containers and tears down its network; stopping an absent sandbox succeeds. */
    public void stopPodSandbox(String podSandboxId) {
        runtime("StopPodSandbox", callTimeout,
                s -> s.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podSandboxId).build()));
    }

    /** Removes a sandbox and its containers; removing an absent sandbox succeeds. */
    public void removePodSandbox(String podSandboxId) {
        runtime("RemovePodSandbox", callTimeout,
                s -> s.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podSandboxId).build()));
    }

    /** Status of one sandbox (state, IPs); a {@link CriException} with {@code NOT_FOUND} when it does not exist. */
    public PodSandboxStatusResponse podSandboxStatus(String podSandboxId, boolean verbose) {
        return runtime("PodSandboxStatus", callTimeout, s -> s.podSandboxStatus(
                PodSandboxStatusRequest.newBuilder().setPodSandboxId(podSandboxId).setVerbose(verbose).build()));
    }

    /** Sandboxes matching {@code filter}; all sandboxes when it is null. */
    public List<PodSandbox> listPodSandbox(PodSandboxFilter filter) {
        ListPodSandboxRequest.Builder req = ListPodSandboxRequest.newBuilder();
        if (filter != null) {
            req.setFilter(filter);
        }
        return runtime("ListPodSandbox", callTimeout, s -> s.listPodSandbox(req.build())).getItemsList();
    }

    /**
     * Creates (does not start) a container in a sandbox; returns its ID.
     *
     * @param sandboxConfig the config the sandbox was run with
     */
    public String createContainer(String podSandboxId, ContainerConfig config, PodSandboxConfig sandboxConfig) {
        CreateContainerRequest req = CreateContainerRequest.newBuilder()
                .setPodSandboxId(podSandboxId).setConfig(config).setSandboxConfig(sandboxConfig).build();
        return runtime("CreateContainer", callTimeout, s -> s.createContainer(req)).getContainerId();
    }

    public void startContainer(String containerId) {
        runtime("StartContainer", callTimeout,
                s -> s.startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build()));
    }

    /**
     * Stops a container: its stop signal, then SIGKILL after {@code gracePeriod} (whole seconds, rounded up). The
     * call's deadline is the grace period plus {@link #callTimeout()}. Stopping a stopped container succeeds.
     */
    public void stopContainer(String containerId, Duration gracePeriod) {
        long seconds = ceilSeconds(gracePeriod);
        runtime("StopContainer", callTimeout.plusSeconds(seconds), s -> s.stopContainer(
                StopContainerRequest.newBuilder().setContainerId(containerId).setTimeout(seconds).build()));
    }

    /** Removes a container (killing it if it runs); removing an absent container succeeds. */
    public void removeContainer(String containerId) {
        runtime("RemoveContainer", callTimeout,
                s -> s.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(containerId).build()));
    }

    /** Containers matching {@code filter}; all containers when it is null. */
    public List<Container> listContainers(ContainerFilter filter) {
        ListContainersRequest.Builder req = ListContainersRequest.newBuilder();
        if (filter != null) {
            req.setFilter(filter);
        }
        return runtime("ListContainers", callTimeout, s -> s.listContainers(req.build())).getContainersList();
    }

    /** Status of one container; a {@link CriException} with {@code NOT_FOUND} when it does not exist. */
    public ContainerStatusResponse containerStatus(String containerId, boolean verbose) {
        return runtime("ContainerStatus", callTimeout, s -> s.containerStatus(
                ContainerStatusRequest.newBuilder().setContainerId(containerId).setVerbose(verbose).build()));
    }

    /**
     * Runs {@code cmd} in a running container and waits for it to exit. The runtime kills it after {@code timeout}
     * (whole seconds, rounded up; zero for none); the call's deadline is that plus {@link #callTimeout()}. A non-zero
     * exit code is a normal response, not an exception.
     */
    public ExecSyncResponse execSync(String containerId, List<String> cmd, Duration timeout) {
        long seconds = ceilSeconds(timeout);
        Duration deadline = seconds == 0 ? callTimeout.multipliedBy(10) : callTimeout.plusSeconds(seconds);
        ExecSyncRequest req = ExecSyncRequest.newBuilder()
                .setContainerId(containerId).addAllCmd(cmd).setTimeout(seconds).build();
        return runtime("ExecSync", deadline, s -> s.execSync(req));
    }

    /**
     * Asks for a streaming session running {@code cmd} in a running container; returns the one-time URL of the
     * runtime's stream server where the client (through the kubelet API) then connects with an upgrade request. The
     * URL is valid once, for a short while (containerd: one minute); the command starts only when a client connects.
     */
    public String exec(String containerId, List<String> cmd, StreamFlags streams) {
        ExecRequest req = ExecRequest.newBuilder().setContainerId(containerId).addAllCmd(cmd).setTty(streams.tty())
                .setStdin(streams.stdin()).setStdout(streams.stdout()).setStderr(streams.stderr()).build();
        return runtime("Exec", callTimeout, s -> s.exec(req)).getUrl();
    }

    /**
     * Asks for a streaming session attached to a running container's main process; returns the one-time URL, as
     * {@link #exec}. {@code streams.tty()} must match the container's own tty setting.
     */
    public String attach(String containerId, StreamFlags streams) {
        AttachRequest req = AttachRequest.newBuilder().setContainerId(containerId).setTty(streams.tty())
                .setStdin(streams.stdin()).setStdout(streams.stdout()).setStderr(streams.stderr()).build();
        return runtime("Attach", callTimeout, s -> s.attach(req)).getUrl();
    }

    /**
     * Asks for a port-forwarding session into a sandbox's network namespace; returns the one-time URL, as
     * {@link #exec}. {@code ports} may be empty: the client names the ports per stream.
     */
    public String portForward(String podSandboxId, List<Integer> ports) {
        PortForwardRequest req = PortForwardRequest.newBuilder().setPodSandboxId(podSandboxId).addAllPort(ports).build();
        return runtime("PortForward", callTimeout, s -> s.portForward(req)).getUrl();
    }

    /**
     * Resource usage (cumulative CPU time, memory working set, with the time they were read) of one container; a
     * {@link CriException} with {@code NOT_FOUND} when it does not exist.
     */
    public ContainerStats containerStats(String containerId) {
        return runtime("ContainerStats", callTimeout, s -> s.containerStats(
                ContainerStatsRequest.newBuilder().setContainerId(containerId).build())).getStats();
    }

    /** Resource usage of the containers matching {@code filter} (all of them when it is null). */
    public List<ContainerStats> listContainerStats(ContainerStatsFilter filter) {
        ListContainerStatsRequest.Builder req = ListContainerStatsRequest.newBuilder();
        if (filter != null) {
            req.setFilter(filter);
        }
        return runtime("ListContainerStats", callTimeout, s -> s.listContainerStats(req.build())).getStatsList();
    }

    // ------------------------------------------------------------------------------------------ ImageService

    /** Images matching {@code filter}; all images (of the runtime's CRI namespace) when it is null. */
    public List<Image> listImages(ImageFilter filter) {
        ListImagesRequest.Builder req = ListImagesRequest.newBuilder();
        if (filter != null) {
            req.setFilter(filter);
        }
        return image("ListImages", callTimeout, s -> s.listImages(req.build())).getImagesList();
    }

    /** The image named by {@code image} (a reference or ID), or empty when the runtime does not have it. */
    public Optional<Image> imageStatus(String image) {
        ImageStatusResponse resp = image("ImageStatus", callTimeout, s -> s.imageStatus(
                ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build()));
        return resp.hasImage() ? Optional.of(resp.getImage()) : Optional.empty();
    }

    /**
     * Pulls an image (deadline: the pull timeout); returns the image reference the runtime reports (its ID).
     *
     * @param auth registry credentials, or null
     * @param sandboxConfig the sandbox the image is for, or null
     */
    public String pullImage(String image, AuthConfig auth, PodSandboxConfig sandboxConfig) {
        PullImageRequest.Builder req = PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image));
        if (auth != null) {
            req.setAuth(auth);
        }
        if (sandboxConfig != null) {
            req.setSandboxConfig(sandboxConfig);
        }
        return image("PullImage", pullTimeout, s -> s.pullImage(req.build())).getImageRef();
    }

    /** Removes an image; removing an absent image succeeds. */
    public void removeImage(String image) {
        image("RemoveImage", callTimeout, s -> s.removeImage(
                RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build()));
    }

    // ------------------------------------------------------------------------------------------ plumbing

    private <R> R runtime(String method, Duration deadline,
                                                Function<RuntimeServiceGrpc.RuntimeServiceBlockingStub, R> call) {
        return call("RuntimeService/" + method, runtime, deadline, call);
    }

    private <R> R image(String method, Duration deadline, Function<ImageServiceGrpc.ImageServiceBlockingStub, R> call) {
        return call("ImageService/" + method, images, deadline, call);
    }

    private <S extends AbstractBlockingStub<S>, R> R call(String name, S stub, Duration deadline, Function<S, R> call) {
        try {
            return call.apply(stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS));
        } catch (StatusRuntimeException e) {
            throw new CriException(name, socket, e);
        }
    }

    private static long ceilSeconds(Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            return 0;
        }
        return d.getNano() == 0 ? d.getSeconds() : d.getSeconds() + 1;
    }

    /** Closes the channel (cancelling calls in flight) and stops the event-loop thread; idempotent. */
    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "CriClient[" + socket + "]";
    }
}
