package dev.beluga.cri;

import dev.beluga.cri.v1.AttachRequest;
import dev.beluga.cri.v1.AttachResponse;
import dev.beluga.cri.v1.ContainerAttributes;
import dev.beluga.cri.v1.ContainerMetadata;
import dev.beluga.cri.v1.ContainerStats;
import dev.beluga.cri.v1.CpuUsage;
import dev.beluga.cri.v1.ExecRequest;
import dev.beluga.cri.v1.ExecResponse;
import dev.beluga.cri.v1.ImageServiceGrpc;
import dev.beluga.cri.v1.ImageStatusRequest;
import dev.beluga.cri.v1.ImageStatusResponse;
import dev.beluga.cri.v1.KeyValue;
import dev.beluga.cri.v1.ListContainerStatsRequest;
import dev.beluga.cri.v1.ListContainerStatsResponse;
import dev.beluga.cri.v1.ListPodSandboxRequest;
import dev.beluga.cri.v1.ListPodSandboxResponse;
import dev.beluga.cri.v1.MemoryUsage;
import dev.beluga.cri.v1.PodSandbox;
import dev.beluga.cri.v1.PodSandboxStatusRequest;
import dev.beluga.cri.v1.PodSandboxStatusResponse;
import dev.beluga.cri.v1.PortForwardRequest;
import dev.beluga.cri.v1.PortForwardResponse;
import dev.beluga.cri.v1.RuntimeServiceGrpc;
import dev.beluga.cri.v1.StatusRequest;
import dev.beluga.cri.v1.StatusResponse;
import dev.beluga.cri.v1.UInt64Value;
import dev.beluga.cri.v1.VersionRequest;
import dev.beluga.cri.v1.VersionResponse;
import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client against an in-process fake runtime on a unix socket: wire names, deadlines and error mapping. */
class CriClientTest {
    @TempDir Path tmp;
    private EventLoopGroup group;
    private Server server;
    private final AtomicReference<String> versionAsked = new AtomicReference<>();

    @BeforeEach
    void startFakeRuntime() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        server = NettyServerBuilder.forAddress(new DomainSocketAddress(tmp.resolve("cri.sock").toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(group).workerEventLoopGroup(group)
                .addService(new RuntimeServiceGrpc.RuntimeServiceImplBase() {
                    @Override
                    public void version(VersionRequest req, StreamObserver<VersionResponse> out) {
                        versionAsked.set(req.getVersion());
                        out.onNext(VersionResponse.newBuilder().setVersion("0.1.0").setRuntimeName("fake")
                                .setRuntimeVersion("9.9").setRuntimeApiVersion("v1").build());
                        out.onCompleted();
                    }

                    @Override
                    public void status(StatusRequest req, StreamObserver<StatusResponse> out) {
                        try {
                            Thread.sleep(2_000); // longer than the test's deadline
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        out.onNext(StatusResponse.getDefaultInstance());
                        out.onCompleted();
                    }

                    @Override
                    public void podSandboxStatus(PodSandboxStatusRequest req, StreamObserver<PodSandboxStatusResponse> out) {
                        out.onError(Status.NOT_FOUND.withDescription("sandbox " + req.getPodSandboxId() + " not found")
                                .asRuntimeException());
                    }

                    @Override
                    public void exec(ExecRequest req, StreamObserver<ExecResponse> out) {
                        out.onNext(ExecResponse.newBuilder().setUrl("http://127.0.0.1:1/exec/" + req.getContainerId()
                                + "?" + req.getCmdList() + flags(req.getStdin(), req.getStdout(), req.getStderr(), req.getTty())).build());
                        out.onCompleted();
                    }

                    @Override
                    public void attach(AttachRequest req, StreamObserver<AttachResponse> out) {
                        out.onNext(AttachResponse.newBuilder().setUrl("http://127.0.0.1:1/attach/" + req.getContainerId()
                                + "?" + flags(req.getStdin(), req.getStdout(), req.getStderr(), req.getTty())).build());
                        out.onCompleted();
                    }

                    @Override
                    public void portForward(PortForwardRequest req, StreamObserver<PortForwardResponse> out) {
                        if (req.getPodSandboxId().equals("gone")) {
                            out.onError(Status.NOT_FOUND.withDescription("sandbox gone").asRuntimeException());
                            return;
                        }
                        out.onNext(PortForwardResponse.newBuilder().setUrl("http://127.0.0.1:1/portforward/"
                                + req.getPodSandboxId() + "?" + req.getPortList()).build());
                        out.onCompleted();
                    }

                    @Override
                    public void listContainerStats(ListContainerStatsRequest req, StreamObserver<ListContainerStatsResponse> out) {
                        out.onNext(ListContainerStatsResponse.newBuilder().addStats(ContainerStats.newBuilder()
                                .setAttributes(ContainerAttributes.newBuilder().setId("c1")
                                        .setMetadata(ContainerMetadata.newBuilder().setName("main"))
                                        .putLabels("io.kubernetes.pod.uid", req.getFilter().getPodSandboxId()))
                                .setCpu(CpuUsage.newBuilder().setTimestamp(5).setUsageCoreNanoSeconds(u64(7_000_000)))
                                .setMemory(MemoryUsage.newBuilder().setTimestamp(6).setWorkingSetBytes(u64(4096))))
                                .build());
                        out.onCompleted();
                    }

                    @Override
                    public void listPodSandbox(ListPodSandboxRequest req, StreamObserver<ListPodSandboxResponse> out) {
                        out.onNext(ListPodSandboxResponse.newBuilder()
                                .addItems(PodSandbox.newBuilder().setId("abc")).build());
                        out.onCompleted();
                    }
                })
                .addService(new ImageServiceGrpc.ImageServiceImplBase() {
                    @Override
                    public void imageStatus(ImageStatusRequest req, StreamObserver<ImageStatusResponse> out) {
                        out.onNext(ImageStatusResponse.getDefaultInstance()); // absent image: no error, unset image
                        out.onCompleted();
                    }
                })
                .build().start();
    }

    @AfterEach
    void stop() throws Exception {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void callsReachTheRuntimeByTheirCriNames() {
        try (CriClient cri = new CriClient(tmp.resolve("cri.sock"))) {
            VersionResponse v = cri.version();
            assertThat(v.getRuntimeName()).isEqualTo("fake");
            assertThat(versionAsked.get()).isEqualTo("v1");
            assertThat(cri.listPodSandbox(null)).extracting(PodSandbox::getId).containsExactly("abc");
            assertThat(cri.imageStatus("docker.io/library/none:1")).isEmpty();
        }
    }

    private static UInt64Value u64(long v) {
        return UInt64Value.newBuilder().setValue(v).build();
    }

    @Test
    void listContainerStatsReturnsTheRuntimesFigures() {
        try (CriClient cri = new CriClient(tmp.resolve("cri.sock"))) {
            List<ContainerStats> stats = cri.listContainerStats(
                    dev.beluga.cri.v1.ContainerStatsFilter.newBuilder().setPodSandboxId("sb").build());
            assertThat(stats).hasSize(1);
            assertThat(stats.getFirst().getAttributes().getMetadata().getName()).isEqualTo("main");
            assertThat(stats.getFirst().getAttributes().getLabelsMap()).containsEntry("io.kubernetes.pod.uid", "sb");
            assertThat(stats.getFirst().getCpu().getUsageCoreNanoSeconds().getValue()).isEqualTo(7_000_000);
            assertThat(stats.getFirst().getMemory().getWorkingSetBytes().getValue()).isEqualTo(4096);
            assertThatThrownBy(() -> cri.containerStats("c1"))
                    .isInstanceOfSatisfying(CriException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.UNIMPLEMENTED))
                    .hasMessageContaining("RuntimeService/ContainerStats");
        }
    }

    @Test
    void statsMessagesUseUpstreamFieldNumbers() {
        // k8s.io/cri-api runtime/v1: CpuUsage timestamp=1 usage_core_nano_seconds=2 usage_nano_cores=3 (UInt64Value value=1)
        assertThat(CpuUsage.newBuilder().setTimestamp(1).setUsageCoreNanoSeconds(u64(2)).setUsageNanoCores(u64(3)).build()
                .toByteArray()).containsExactly(0x08, 1, 0x12, 2, 0x08, 2, 0x1a, 2, 0x08, 3);
        // MemoryUsage timestamp=1 working_set_bytes=2 available_bytes=3 usage_bytes=4 rss_bytes=5
        assertThat(MemoryUsage.newBuilder().setTimestamp(1).setWorkingSetBytes(u64(2)).setAvailableBytes(u64(3))
                .setUsageBytes(u64(4)).setRssBytes(u64(5)).build().toByteArray())
                .containsExactly(0x08, 1, 0x12, 2, 0x08, 2, 0x1a, 2, 0x08, 3, 0x22, 2, 0x08, 4, 0x2a, 2, 0x08, 5);
        // ContainerStats attributes=1 cpu=2 memory=3; ContainerAttributes id=1 metadata=2
        assertThat(ContainerStats.newBuilder().setAttributes(ContainerAttributes.newBuilder().setId("c"))
                .setCpu(CpuUsage.newBuilder().setTimestamp(1)).setMemory(MemoryUsage.newBuilder().setTimestamp(1))
                .build().toByteArray())
                .containsExactly(0x0a, 3, 0x0a, 1, 'c', 0x12, 2, 0x08, 1, 0x1a, 2, 0x08, 1);
        // ContainerStatsFilter id=1 pod_sandbox_id=2 (label_selector=3)
        assertThat(dev.beluga.cri.v1.ContainerStatsFilter.newBuilder().setId("a").setPodSandboxId("b").build().toByteArray())
                .containsExactly(0x0a, 1, 'a', 0x12, 1, 'b');
    }

    private static String flags(boolean stdin, boolean stdout, boolean stderr, boolean tty) {
        return (stdin ? "i" : "-") + (stdout ? "o" : "-") + (stderr ? "e" : "-") + (tty ? "t" : "-");
    }

    @Test
    void streamingCallsCarryTheirFlagsAndReturnTheRuntimesUrl() {
        try (CriClient cri = new CriClient(tmp.resolve("cri.sock"))) {
            assertThat(cri.exec("c1", List.of("sh", "-c", "exit 3"), new StreamFlags(true, true, false, true)))
                    .isEqualTo("http://127.0.0.1:1/exec/c1?[sh, -c, exit 3]io-t");
            assertThat(cri.exec("c1", List.of("ls"), new StreamFlags(false, false, true, false)))
                    .isEqualTo("http://127.0.0.1:1/exec/c1?[ls]--e-");
            assertThat(cri.attach("c2", new StreamFlags(true, false, false, false))).isEqualTo("http://127.0.0.1:1/attach/c2?i---");
            assertThat(cri.attach("c2", new StreamFlags(false, true, true, true))).isEqualTo("http://127.0.0.1:1/attach/c2?-oet");
            assertThat(cri.portForward("sb", List.of(80, 8080))).isEqualTo("http://127.0.0.1:1/portforward/sb?[80, 8080]");
            assertThat(cri.portForward("sb", List.of())).isEqualTo("http://127.0.0.1:1/portforward/sb?[]");
            assertThatThrownBy(() -> cri.portForward("gone", List.of(80)))
                    .isInstanceOfSatisfying(CriException.class, e -> {
                        assertThat(e.isNotFound()).isTrue();
                        assertThat(e.call()).isEqualTo("RuntimeService/PortForward");
                    });
        }
    }

    @Test
    void streamingRequestsUseUpstreamFieldNumbers() {
        // k8s.io/cri-api runtime/v1: ExecRequest container_id=1 cmd=2 tty=3 stdin=4 stdout=5 stderr=6
        assertThat(ExecRequest.newBuilder().setContainerId("c").addCmd("x").setTty(true).setStdin(true).setStdout(true)
                .setStderr(true).build().toByteArray())
                .containsExactly(0x0a, 1, 'c', 0x12, 1, 'x', 0x18, 1, 0x20, 1, 0x28, 1, 0x30, 1);
        // AttachRequest container_id=1 stdin=2 tty=3 stdout=4 stderr=5
        assertThat(AttachRequest.newBuilder().setContainerId("c").setStdin(true).setTty(true).setStdout(true)
                .setStderr(true).build().toByteArray())
                .containsExactly(0x0a, 1, 'c', 0x10, 1, 0x18, 1, 0x20, 1, 0x28, 1);
        // PortForwardRequest pod_sandbox_id=1 port=2 (packed int32); the responses' url=1
        assertThat(PortForwardRequest.newBuilder().setPodSandboxId("s").addPort(80).build().toByteArray())
                .containsExactly(0x0a, 1, 's', 0x12, 1, 80);
        assertThat(ExecResponse.newBuilder().setUrl("u").build().toByteArray()).containsExactly(0x0a, 1, 'u');
        assertThat(AttachResponse.newBuilder().setUrl("u").build().toByteArray()).containsExactly(0x0a, 1, 'u');
        assertThat(PortForwardResponse.newBuilder().setUrl("u").build().toByteArray()).containsExactly(0x0a, 1, 'u');
    }

    @Test
    void errorsNameTheCallAndKeepTheStatusCode() {
        try (CriClient cri = new CriClient(tmp.resolve("cri.sock"))) {
            assertThatThrownBy(() -> cri.podSandboxStatus("nope", false))
                    .isInstanceOfSatisfying(CriException.class, e -> {
                        assertThat(e.isNotFound()).isTrue();
                        assertThat(e.call()).isEqualTo("RuntimeService/PodSandboxStatus");
                    })
                    .hasMessageContaining("CRI RuntimeService/PodSandboxStatus on " + tmp.resolve("cri.sock"))
                    .hasMessageContaining("NOT_FOUND: sandbox nope not found");
            // not implemented by the fake runtime
            assertThatThrownBy(() -> cri.removeImage("x"))
                    .isInstanceOfSatisfying(CriException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.UNIMPLEMENTED))
                    .hasMessageContaining("ImageService/RemoveImage");
        }
    }

    @Test
    void everyCallHasADeadline() {
        try (CriClient cri = new CriClient(tmp.resolve("cri.sock"), Duration.ofMillis(200), Duration.ofSeconds(1))) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> cri.status(false))
                    .isInstanceOfSatisfying(CriException.class,
                            e -> assertThat(e.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED))
                    .hasMessageContaining("RuntimeService/Status");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1500));
        }
    }

    @Test
    void aMissingRuntimeIsUnavailable() {
        try (CriClient cri = new CriClient(tmp.resolve("absent.sock"))) {
            assertThatThrownBy(cri::version)
                    .isInstanceOfSatisfying(CriException.class, e -> assertThat(e.isUnavailable()).isTrue())
                    .hasMessageContaining("CRI RuntimeService/Version on " + tmp.resolve("absent.sock") + " failed: UNAVAILABLE");
        }
    }

    @Test
    void envValuesAreBytesOnTheWireLikeUpstream() {
        KeyValue kv = KeyValue.newBuilder().setKey("A").setValue(ByteString.copyFromUtf8("b")).build();
        assertThat(kv.toByteArray()).containsExactly(0x0a, 1, 'A', 0x12, 1, 'b');
    }
}
