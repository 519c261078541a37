package dev.beluga.cri;

import dev.beluga.cri.v1.ImageServiceGrpc;
import dev.beluga.cri.v1.ImageStatusRequest;
import dev.beluga.cri.v1.ImageStatusResponse;
import dev.beluga.cri.v1.KeyValue;
import dev.beluga.cri.v1.ListPodSandboxRequest;
import dev.beluga.cri.v1.ListPodSandboxResponse;
import dev.beluga.cri.v1.PodSandbox;
import dev.beluga.cri.v1.PodSandboxStatusRequest;
import dev.beluga.cri.v1.PodSandboxStatusResponse;
import dev.beluga.cri.v1.RuntimeServiceGrpc;
import dev.beluga.cri.v1.StatusRequest;
import dev.beluga.cri.v1.StatusResponse;
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
