package dev.beluga.agent.pods;

/**
 * What the probes currently say about a pod's containers (upstream's prober results managers). Implementations are
 * thread-safe; a container without the probe in question reports the default given below.
 */
public interface ProbeState {
    /** Readiness: without a readiness probe, true once started. */
    boolean ready(String podUid, String container, String containerId);

    /** Startup: without a startup probe, true. */
    boolean started(String podUid, String container, String containerId);

    /** Whether the liveness (or startup) probe has failed past its threshold, so the container must be restarted. */
    default String mustRestart(String podUid, String container, String containerId) {
        return null;
    }

    /** Called after each sync with the pod and what the runtime holds for it, so probes follow the running containers. */
    default void observe(io.fabric8.kubernetes.api.model.Pod pod, dev.beluga.agent.runtime.PodRuntime runtime, String podIp) {
    }

    /** The pod is gone: stop its probes. */
    default void forget(String podUid) {
    }

    /** No probes: running means ready and started. */
    ProbeState NONE = new ProbeState() {
        @Override
        public boolean ready(String podUid, String container, String containerId) {
            return true;
        }

        @Override
        public boolean started(String podUid, String container, String containerId) {
            return true;
        }
    };
}
