package dev.beluga.scheduler.algorithm;

import dev.beluga.scheduler.framework.Code;
import dev.beluga.scheduler.framework.NodeToStatus;
import dev.beluga.scheduler.framework.Status;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Why a pod did not fit (upstream {@code framework.Diagnosis}): per-node statuses, the plugins that rejected it (used
 * to decide which cluster events retry it), and the PreFilter/PostFilter messages. Not thread-safe.
 */
public final class Diagnosis {
    public final NodeToStatus nodeToStatus = new NodeToStatus();
    public final Set<String> unschedulablePlugins = new LinkedHashSet<>();
    public final Set<String> pendingPlugins = new LinkedHashSet<>();
    public String preFilterMsg;
    public String postFilterMsg;

    /** Records the plugin of a rejection (or Pending) status. */
    public void addPluginStatus(Status s) {
        if (s.plugin() == null) return;
        if (s.isRejected()) unschedulablePlugins.add(s.plugin());
        if (s.code() == Code.PENDING) pendingPlugins.add(s.plugin());
    }
}
