package dev.beluga.agent.pods;

import dev.beluga.agent.runtime.PodRuntime;
import dev.beluga.cri.v1.ContainerMetadata;
import dev.beluga.cri.v1.ContainerState;
import dev.beluga.cri.v1.ContainerStatus;
import dev.beluga.cri.v1.PodSandbox;
import dev.beluga.cri.v1.PodSandboxMetadata;
import dev.beluga.cri.v1.PodSandboxState;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class PodStatusesTest {
    static final long SEC = 1_000_000_000L;
    static final String NOW = "2026-12-02T10:00:00Z";

    static Pod pod(String restartPolicy, boolean withInit) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName("web").withNamespace("default").withUid("u1").endMetadata()
            .withNewSpec().withRestartPolicy(restartPolicy).addNewContainer().withName("app").withImage("busybox:1.35").endContainer()
            .endSpec()
            .withNewStatus().addNewCondition().withType("PodScheduled").withStatus("True").withLastTransitionTime("2026-12-01T00:00:00Z").endCondition()
            .endStatus();
        if (withInit) b.editSpec().addNewInitContainer().withName("setup").withImage("busybox:1.35").endInitContainer().endSpec();
        return b.build();
    }

    static PodSandbox sandbox(boolean ready) {
        return PodSandbox.newBuilder().setId("sb1").setCreatedAt(SEC)
            .setMetadata(PodSandboxMetadata.newBuilder().setName("web").setUid("u1").setNamespace("default"))
            .setState(ready ? PodSandboxState.SANDBOX_READY : PodSandboxState.SANDBOX_NOTREADY).build();
    }

    static ContainerStatus container(String id, String name, int attempt, ContainerState state, int exit, long created) {
        return ContainerStatus.newBuilder().setId(id).setMetadata(ContainerMetadata.newBuilder().setName(name).setAttempt(attempt))
            .setState(state).setCreatedAt(created).setStartedAt(created + SEC).setExitCode(exit)
            .setFinishedAt(state == ContainerState.CONTAINER_EXITED ? created + 5 * SEC : 0).setImageRef("sha256:abc").build();
    }

    static PodRuntime runtime(boolean sandboxReady, ContainerStatus... cs) {
        List<ContainerStatus> list = new ArrayList<>(List.of(cs));
        list.sort((a, b) -> Long.compare(b.getCreatedAt(), a.getCreatedAt()));
        Map<String, String> ids = new java.util.HashMap<>();
        for (ContainerStatus c : cs) ids.put(c.getId(), "sb1");
        return new PodRuntime("u1", List.of(sandbox(sandboxReady)), list, ids);
    }

    static PodStatus build(Pod pod, PodRuntime rt, Map<String, PodStatuses.Waiting> waiting) {
        return PodStatuses.build(pod, rt, new PodStatuses.Inputs("192.168.77.11", "10.42.0.5", waiting, ProbeState.NONE, NOW));
    }

    static PodCondition condition(PodStatus s, String type) {
        return s.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
    }

    @Test
    void nothingStartedYetIsPendingAndContainerCreating() {
        PodStatus s = build(pod("Always", false), new PodRuntime("u1", List.of(), List.of(), Map.of()), Map.of());
        assertEquals("Pending", s.getPhase());
        assertEquals("ContainerCreating", s.getContainerStatuses().getFirst().getState().getWaiting().getReason());
        assertEquals("False", condition(s, "Ready").getStatus());
        assertEquals("ContainersNotReady", condition(s, "Ready").getReason());
        assertEquals("containers with unready status: [app]", condition(s, "Ready").getMessage());
        assertEquals("2026-12-01T00:00:00Z", condition(s, "PodScheduled").getLastTransitionTime(), "others' conditions are kept");
        assertEquals("BestEffort", s.getQosClass());
        assertEquals("192.168.77.11", s.getHostIP());
    }

    @Test
    void runningContainerMakesThePodRunningAndReady() {
        PodStatus s = build(pod("Always", false), runtime(true, container("c1", "app", 0, ContainerState.CONTAINER_RUNNING, 0, 10 * SEC)), Map.of());
        assertEquals("Running", s.getPhase());
        var cs = s.getContainerStatuses().getFirst();
        assertNotNull(cs.getState().getRunning());
        assertEquals("1970-01-01T00:00:11Z", cs.getState().getRunning().getStartedAt());
        assertEquals(true, cs.getReady());
        assertEquals(true, cs.getStarted());
        assertEquals("containerd://c1", cs.getContainerID());
        assertEquals("True", condition(s, "Ready").getStatus());
        assertEquals("True", condition(s, "ContainersReady").getStatus());
        assertEquals("True", condition(s, "Initialized").getStatus());
        assertEquals("10.42.0.5", s.getPodIP());
        assertEquals(NOW, s.getStartTime());
    }

    @Test
    void finishedContainersGiveSucceededOrFailedUnlessRestarted() {
        var ok = runtime(false, container("c1", "app", 0, ContainerState.CONTAINER_EXITED, 0, 10 * SEC));
        var bad = runtime(false, container("c1", "app", 0, ContainerState.CONTAINER_EXITED, 3, 10 * SEC));
        assertEquals("Succeeded", build(pod("Never", false), ok, Map.of()).getPhase());
        assertEquals("Succeeded", build(pod("OnFailure", false), ok, Map.of()).getPhase());
        assertEquals("Failed", build(pod("Never", false), bad, Map.of()).getPhase());
        assertEquals("Running", build(pod("OnFailure", false), bad, Map.of()).getPhase(), "OnFailure restarts it");
        assertEquals("Running", build(pod("Always", false), ok, Map.of()).getPhase(), "Always restarts it");
        PodStatus done = build(pod("Never", false), ok, Map.of());
        assertEquals("PodCompleted", condition(done, "Ready").getReason());
        var t = done.getContainerStatuses().getFirst().getState().getTerminated();
        assertEquals(0, t.getExitCode());
        assertEquals("Completed", t.getReason());
        assertEquals("Error", build(pod("Never", false), bad, Map.of()).getContainerStatuses().getFirst().getState().getTerminated().getReason());
    }

    @Test
    void crashLoopShowsWaitingWithTheLastTermination() {
        var rt = runtime(true, container("c2", "app", 2, ContainerState.CONTAINER_EXITED, 1, 30 * SEC),
            container("c1", "app", 1, ContainerState.CONTAINER_EXITED, 1, 10 * SEC));
        PodStatus s = build(pod("Always", false), rt, Map.of("app", new PodStatuses.Waiting("CrashLoopBackOff", "back-off 20s restarting failed container=app pod=web_default(u1)")));
        var cs = s.getContainerStatuses().getFirst();
        assertEquals("CrashLoopBackOff", cs.getState().getWaiting().getReason());
        assertEquals(1, cs.getLastState().getTerminated().getExitCode());
        assertEquals("containerd://c2", cs.getLastState().getTerminated().getContainerID());
        assertEquals(2, cs.getRestartCount());
        assertEquals("Running", s.getPhase());
    }

    @Test
    void restartedContainerKeepsItsPreviousRunAsLastState() {
        var rt = runtime(true, container("c2", "app", 1, ContainerState.CONTAINER_RUNNING, 0, 30 * SEC),
            container("c1", "app", 0, ContainerState.CONTAINER_EXITED, 137, 10 * SEC));
        var cs = build(pod("Always", false), rt, Map.of()).getContainerStatuses().getFirst();
        assertNotNull(cs.getState().getRunning());
        assertEquals(137, cs.getLastState().getTerminated().getExitCode());
        assertEquals(1, cs.getRestartCount());
    }

    @Test
    void initContainersGateThePod() {
        PodStatus pending = build(pod("Always", true), runtime(true, container("i1", "setup", 0, ContainerState.CONTAINER_RUNNING, 0, 10 * SEC)), Map.of());
        assertEquals("Pending", pending.getPhase());
        assertEquals("False", condition(pending, "Initialized").getStatus());
        assertEquals("containers with incomplete status: [setup]", condition(pending, "Initialized").getMessage());
        assertEquals("PodInitializing", pending.getContainerStatuses().getFirst().getState().getWaiting().getReason());
        assertNull(pending.getInitContainerStatuses().getFirst().getStarted(), "init containers report no started field");

        PodStatus failed = build(pod("Never", true), runtime(true, container("i1", "setup", 0, ContainerState.CONTAINER_EXITED, 1, 10 * SEC)), Map.of());
        assertEquals("Failed", failed.getPhase());

        PodStatus done = build(pod("Always", true), runtime(true, container("i1", "setup", 0, ContainerState.CONTAINER_EXITED, 0, 10 * SEC),
            container("c1", "app", 0, ContainerState.CONTAINER_RUNNING, 0, 20 * SEC)), Map.of());
        assertEquals("Running", done.getPhase());
        assertEquals("True", condition(done, "Initialized").getStatus());
        assertEquals("Completed", done.getInitContainerStatuses().getFirst().getState().getTerminated().getReason());
    }

    @Test
    void transitionTimesChangeOnlyWithTheStatus() {
        Pod p = pod("Always", false);
        var rt = runtime(true, container("c1", "app", 0, ContainerState.CONTAINER_RUNNING, 0, 10 * SEC));
        PodStatus first = build(p, rt, Map.of());
        p.setStatus(first);
        PodStatus again = PodStatuses.build(p, rt, new PodStatuses.Inputs("192.168.77.11", "10.42.0.5", Map.of(), ProbeState.NONE, "2026-12-02T11:00:00Z"));
        assertEquals(NOW, condition(again, "Ready").getLastTransitionTime());
        assertEquals(NOW, again.getStartTime());
    }
}
