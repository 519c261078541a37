package dev.beluga.agent.server;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ContainerLogStatusTest {
    private static ContainerLogStatus.Choice choose(ContainerStatus cs, boolean previous) {
        PodStatus status = new PodStatusBuilder().addToContainerStatuses(cs).build();
        return ContainerLogStatus.choose("p", "web", status, previous);
    }

    private static ContainerStatusBuilder web() {
        return new ContainerStatusBuilder().withName("web");
    }

    @Test
    void runningContainer() {
        var cs = web().withContainerID("containerd://run").withNewState().withNewRunning().endRunning().endState().build();
        assertThat(choose(cs, false)).isEqualTo(new ContainerLogStatus.Selected("containerd://run"));
        assertThat(choose(cs, true)).isEqualTo(new ContainerLogStatus.NotAvailable("previous terminated container \"web\" in pod \"p\" not found"));
    }

    @Test
    void previousInstance() {
        var cs = web().withContainerID("containerd://now").withNewState().withNewRunning().endRunning().endState()
            .withNewLastState().withNewTerminated().withContainerID("containerd://before").withExitCode(1).endTerminated().endLastState().build();
        assertThat(choose(cs, true)).isEqualTo(new ContainerLogStatus.Selected("containerd://before"));
    }

    @Test
    void terminatedAndRestartingContainers() {
        var done = web().withNewState().withNewTerminated().withContainerID("containerd://done").endTerminated().endState().build();
        assertThat(choose(done, false)).isEqualTo(new ContainerLogStatus.Selected("containerd://done"));
        var noId = web().withNewState().withNewTerminated().endTerminated().endState().build();
        assertThat(choose(noId, false)).isEqualTo(new ContainerLogStatus.NotAvailable("container \"web\" in pod \"p\" is terminated"));
        var crashLoop = web().withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState()
            .withNewLastState().withNewTerminated().withContainerID("containerd://crashed").endTerminated().endLastState().build();
        assertThat(choose(crashLoop, false)).isEqualTo(new ContainerLogStatus.Selected("containerd://crashed"));
    }

    @Test
    void waitingContainersSayWhy() {
        assertThat(choose(waiting("ContainerCreating"), false))
            .isEqualTo(new ContainerLogStatus.NotAvailable("container \"web\" in pod \"p\" is waiting to start: ContainerCreating"));
        assertThat(choose(waiting("ErrImagePull"), false))
            .isEqualTo(new ContainerLogStatus.NotAvailable("container \"web\" in pod \"p\" is waiting to start: image can't be pulled"));
        assertThat(choose(waiting("ImagePullBackOff"), false))
            .isEqualTo(new ContainerLogStatus.NotAvailable("container \"web\" in pod \"p\" is waiting to start: trying and failing to pull image"));
        assertThat(choose(web().build(), false))
            .isEqualTo(new ContainerLogStatus.NotAvailable("container \"web\" in pod \"p\" is waiting to start - no logs yet"));
    }

    @Test
    void unknownAndInitContainers() {
        PodStatus status = new PodStatusBuilder()
            .addToInitContainerStatuses(new ContainerStatusBuilder().withName("init").withNewState().withNewTerminated()
                .withContainerID("containerd://init").endTerminated().endState().build())
            .build();
        assertThat(ContainerLogStatus.choose("p", "init", status, false)).isEqualTo(new ContainerLogStatus.Selected("containerd://init"));
        assertThat(ContainerLogStatus.choose("p", "web", status, false))
            .isEqualTo(new ContainerLogStatus.NotAvailable("container \"web\" in pod \"p\" is not available"));
        assertThat(ContainerLogStatus.choose("p", "web", null, false))
            .isEqualTo(new ContainerLogStatus.NotAvailable("container \"web\" in pod \"p\" is not available"));
    }

    private static ContainerStatus waiting(String reason) {
        return web().withNewState().withNewWaiting().withReason(reason).endWaiting().endState().build();
    }
}
