package dev.beluga.controllers.job;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyOnExitCodesRequirement;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyOnPodConditionsPattern;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;

import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates a Job's {@code podFailurePolicy} against a failed pod (upstream {@code matchPodFailurePolicy}): rules in
 * order, the first that matches decides. {@code onExitCodes} matches when a container (of the named one, if given)
 * terminated with a non-zero code that is {@code In} (or {@code NotIn}) the values; {@code onPodConditions} when the
 * pod has a condition of that type and status. Stateless.
 */
final class PodFailurePolicies {
    /** What to do with a failed pod. {@code rule} is the index of the matching rule, or -1 (counted, no rule). */
    record Decision(String action, int rule, String message) {
        static final Decision COUNT = new Decision("Count", -1, null);
    }

    private PodFailurePolicies() {
    }

    static Decision decide(PodFailurePolicy policy, Pod pod) {
        if (policy == null || policy.getRules() == null) return Decision.COUNT;
        List<PodFailurePolicyRule> rules = policy.getRules();
        for (int i = 0; i < rules.size(); i++) {
            PodFailurePolicyRule r = rules.get(i);
            String container = r.getOnExitCodes() == null ? null : exitCodeMatch(r.getOnExitCodes(), pod);
            boolean matches = container != null || (r.getOnPodConditions() != null && conditionMatch(r.getOnPodConditions(), pod));
            if (!matches) continue;
            String message = container != null
                ? "Container " + container + " for pod " + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName()
                  + " failed with exit code " + exitCode(pod, container) + " matching " + r.getAction() + " rule at index " + i
                : "Pod " + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + " has condition matching "
                  + r.getAction() + " rule at index " + i;
            return new Decision(r.getAction(), i, message);
        }
        return Decision.COUNT;
    }

    /** The name of the first container whose exit code matches, or null. */
    private static String exitCodeMatch(PodFailurePolicyOnExitCodesRequirement req, Pod pod) {
        for (ContainerStatus cs : statuses(pod)) {
            if (req.getContainerName() != null && !req.getContainerName().equals(cs.getName())) continue;
            if (cs.getState() == null || cs.getState().getTerminated() == null) continue;
            int code = cs.getState().getTerminated().getExitCode() == null ? 0 : cs.getState().getTerminated().getExitCode();
            if (code == 0) continue;
            boolean in = req.getValues() != null && req.getValues().contains(code);
            if ("In".equals(req.getOperator()) == in) return cs.getName();
        }
        return null;
    }

    private static int exitCode(Pod pod, String container) {
        for (ContainerStatus cs : statuses(pod))
            if (cs.getName().equals(container) && cs.getState() != null && cs.getState().getTerminated() != null)
                return cs.getState().getTerminated().getExitCode();
        return 0;
    }

    private static List<ContainerStatus> statuses(Pod pod) {
        List<ContainerStatus> all = new ArrayList<>();
        if (pod.getStatus() == null) return all;
        if (pod.getStatus().getInitContainerStatuses() != null) all.addAll(pod.getStatus().getInitContainerStatuses());
        if (pod.getStatus().getContainerStatuses() != null) all.addAll(pod.getStatus().getContainerStatuses());
        return all;
    }

    private static boolean conditionMatch(List<PodFailurePolicyOnPodConditionsPattern> patterns, Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) return false;
        for (PodFailurePolicyOnPodConditionsPattern p : patterns) {
            String status = p.getStatus() == null ? "True" : p.getStatus();
            for (PodCondition c : pod.getStatus().getConditions())
                if (c.getType().equals(p.getType()) && status.equals(c.getStatus())) return true;
        }
        return false;
    }
}
