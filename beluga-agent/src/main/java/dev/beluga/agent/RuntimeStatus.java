package dev.beluga.agent;

import dev.beluga.cri.CriClient;
import dev.beluga.cri.CriException;
import dev.beluga.cri.v1.RuntimeCondition;
import dev.beluga.cri.v1.StatusResponse;

/**
 * Whether the container runtime and its network are ready, in the words of upstream's kubelet for the node's Ready
 * condition: empty when both are, else e.g. {@code container runtime network not ready: NetworkReady=false
 * reason:NetworkPluginNotReady message:...}. Stateless; thread-safe.
 */
final class RuntimeStatus {
    private RuntimeStatus() {}

    static String problem(CriClient cri) {
        StatusResponse s;
        try {
            s = cri.status(false);
        } catch (CriException e) {
            return "container runtime is down: " + e.getMessage();
        }
        String runtime = null;
        String network = null;
        for (RuntimeCondition c : s.getStatus().getConditionsList()) {
            String text = c.getType() + "=" + c.getStatus() + " reason:" + c.getReason() + " message:" + c.getMessage();
            if (c.getType().equals("RuntimeReady") && !c.getStatus()) runtime = text;
            if (c.getType().equals("NetworkReady") && !c.getStatus()) network = text;
        }
        if (runtime != null) return "container runtime not ready: " + runtime;
        if (network != null) return "container runtime network not ready: " + network;
        return "";
    }
}
