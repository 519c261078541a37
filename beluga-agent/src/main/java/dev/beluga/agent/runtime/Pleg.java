package dev.beluga.agent.runtime;

import dev.beluga.cri.CriClient;
import dev.beluga.cri.CriException;
import dev.beluga.cri.v1.Container;
import dev.beluga.cri.v1.ContainerFilter;
import dev.beluga.cri.v1.PodSandbox;
import dev.beluga.cri.v1.PodSandboxFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The pod lifecycle event generator (upstream's generic PLEG): {@link #relist()} lists every container and sandbox of
 * the runtime and reports, once per relist, the pod uids whose containers or sandboxes appeared, disappeared or
 * changed state since the previous relist — so that a container dying outside the agent's control (OOM kill, crash,
 * a `kill` on the node) is seen within one relist period. Threading: {@link #relist()} from one thread at a time.
 */
public final class Pleg {
    private static final Logger log = LoggerFactory.getLogger(Pleg.class);

    private final CriClient cri;
    private final Consumer<String> onPodChanged;
    private Map<String, String> last = Map.of();
    private Map<String, String> lastOwner = Map.of();

    public Pleg(CriClient cri, Consumer<String> onPodChanged) {
        this.cri = cri;
        this.onPodChanged = onPodChanged;
    }

    /** One relist; returns the uids reported. */
    public Set<String> relist() {
        Map<String, String> now = new HashMap<>();
        Map<String, String> owner = new HashMap<>();
        try {
            for (Container c : cri.listContainers(ContainerFilter.getDefaultInstance())) {
                now.put("c/" + c.getId(), c.getState().name());
                owner.put("c/" + c.getId(), c.getLabelsMap().getOrDefault(RuntimeLabels.POD_UID, ""));
            }
            for (PodSandbox s : cri.listPodSandbox(PodSandboxFilter.getDefaultInstance())) {
                now.put("s/" + s.getId(), s.getState().name());
                owner.put("s/" + s.getId(), s.getLabelsMap().getOrDefault(RuntimeLabels.POD_UID, ""));
            }
        } catch (CriException e) {
            log.debug("relist failed: {}", e.getMessage());
            return Set.of();
        }
        Set<String> changed = new HashSet<>();
        for (var e : now.entrySet()) {
            if (!e.getValue().equals(last.get(e.getKey()))) changed.add(owner.get(e.getKey()));
        }
        for (String gone : last.keySet()) {
            if (!now.containsKey(gone)) changed.add(lastOwner.get(gone));
        }
        changed.remove("");
        changed.remove(null);
        last = now;
        lastOwner = owner;
        changed.forEach(onPodChanged);
        return changed;
    }

    /** The uids of every pod the runtime holds something for (as of the last relist). */
    public Set<String> podUids() {
        Set<String> out = new HashSet<>(lastOwner.values());
        out.remove("");
        return out;
    }
}
