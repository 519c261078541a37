package dev.beluga.scheduler.util;

import dev.beluga.scheduler.framework.Resource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

import java.util.List;
import java.util.Map;

/**
 * The resources a pod requests, computed as upstream's {@code resourcehelper.PodRequests}: the sum of the app
 * containers and of the restartable ("sidecar") init containers, or the largest single init container plus the
 * sidecars started before it if that is larger, plus {@code spec.overhead}; pod-level {@code spec.resources.requests}
 * of cpu and memory replace the container sum when set.
 *
 * <p>The "non-zero" variant gives a container with no cpu request 100m and one with no memory request 200 MiB
 * (upstream {@code DefaultMilliCPURequest}/{@code DefaultMemoryRequest}), for spreading best-effort pods by score.
 */
public final class PodResources {
    /** Default CPU request for scoring a container without one: 0.1 core. */
    public static final long DEFAULT_MILLI_CPU_REQUEST = 100;
    /** Default memory request for scoring a container without one: 200 MiB. */
    public static final long DEFAULT_MEMORY_REQUEST = 200L * 1024 * 1024;

    private PodResources() {
    }

    /** The pod's effective requests. */
    public static Resource requests(Pod pod) {
        return compute(pod, false);
    }

    /** The pod's requests with the non-zero defaults applied to containers that request no cpu or memory. */
    public static Resource nonZeroRequests(Pod pod) {
        return compute(pod, true);
    }

    private static Resource compute(Pod pod, boolean nonZero) {
        PodSpec spec = pod.getSpec();
        Resource reqs = new Resource();
        if (spec == null) return reqs;
        for (Container c : nullSafe(spec.getContainers())) reqs.add(containerRequests(c, nonZero));
        Resource restartable = new Resource();
        Resource initMax = new Resource();
        for (Container c : nullSafe(spec.getInitContainers())) {
            Resource cr = containerRequests(c, nonZero);
            Resource effective;
            if ("Always".equals(c.getRestartPolicy())) {
                reqs.add(cr);
                restartable.add(cr);
                effective = restartable.copy();
            } else {
                effective = cr.copy();
                effective.add(restartable);
            }
            initMax.max(effective);
        }
        reqs.max(initMax);
        applyPodLevel(spec, reqs);
        if (spec.getOverhead() != null) reqs.add(spec.getOverhead());
        return reqs;
    }

    private static void applyPodLevel(PodSpec spec, Resource reqs) {
        ResourceRequirements rr = spec.getResources();
        if (rr == null || rr.getRequests() == null || rr.getRequests().isEmpty()) return;
        Map<String, Quantity> r = rr.getRequests();
        if (r.containsKey(ResourceNames.CPU)) reqs.milliCpu = Quantities.milliValue(r.get(ResourceNames.CPU));
        if (r.containsKey(ResourceNames.MEMORY)) reqs.memory = Quantities.value(r.get(ResourceNames.MEMORY));
    }

    private static Resource containerRequests(Container c, boolean nonZero) {
        ResourceRequirements rr = c.getResources();
        Map<String, Quantity> requests = rr == null ? null : rr.getRequests();
        Resource r = Resource.of(requests);
        if (nonZero) {
            if (requests == null || !requests.containsKey(ResourceNames.CPU)) r.milliCpu = DEFAULT_MILLI_CPU_REQUEST;
            if (requests == null || !requests.containsKey(ResourceNames.MEMORY)) r.memory = DEFAULT_MEMORY_REQUEST;
        }
        return r;
    }

    private static <T> List<T> nullSafe(List<T> l) {
        return l == null ? List.of() : l;
    }
}
