package dev.beluga.agent.pods;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A pod's QoS class as upstream computes it: Guaranteed when every container has cpu and memory limits equal to its
 * requests, BestEffort when no container has any cpu/memory request or limit, Burstable otherwise. The value the API
 * server stored in {@code status.qosClass} wins when present.
 */
public final class QosClass {
    private QosClass() {}

    public static String of(Pod pod) {
        if (pod.getStatus() != null && pod.getStatus().getQosClass() != null) return pod.getStatus().getQosClass();
        List<Container> all = new ArrayList<>(pod.getSpec().getContainers());
        if (pod.getSpec().getInitContainers() != null) all.addAll(pod.getSpec().getInitContainers());
        boolean any = false;
        boolean guaranteed = true;
        for (Container c : all) {
            Map<String, Quantity> req = c.getResources() == null || c.getResources().getRequests() == null ? Map.of() : c.getResources().getRequests();
            Map<String, Quantity> lim = c.getResources() == null || c.getResources().getLimits() == null ? Map.of() : c.getResources().getLimits();
            for (String r : List.of("cpu", "memory")) {
                Quantity rq = req.get(r);
                Quantity lq = lim.get(r);
                if (rq != null || lq != null) any = true;
                if (lq == null || (rq != null && Quantity.getAmountInBytes(rq).compareTo(Quantity.getAmountInBytes(lq)) != 0)) guaranteed = false;
            }
        }
        if (!any) return "BestEffort";
        return guaranteed ? "Guaranteed" : "Burstable";
    }
}
