package dev.beluga.scheduler.client;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Records Kubernetes events ({@code events.k8s.io/v1}) about pods: {@code Scheduled} ("Successfully assigned ns/name
 * to node", action Binding), {@code FailedScheduling} (type Warning, action Scheduling, the FitError message) and
 * {@code Preempted} (on victims, action Preempting). Called from the scheduling and binding threads; should not block
 * (buffer and send asynchronously, as client-go's recorder does).
 */
@FunctionalInterface
public interface EventSink {
    String NORMAL = "Normal";
    String WARNING = "Warning";

    /**
     * @param regarding the pod the event is about
     * @param related   another pod involved (the preemptor for {@code Preempted}), or null
     * @param type      {@link #NORMAL} or {@link #WARNING}
     */
    void event(Pod regarding, Pod related, String type, String reason, String action, String note);
}
