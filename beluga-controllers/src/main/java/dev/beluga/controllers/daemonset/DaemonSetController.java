package dev.beluga.controllers.daemonset;

import dev.beluga.controllers.runtime.Claims;
import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.Expectations;
import dev.beluga.controllers.runtime.KeyEvents;
import dev.beluga.controllers.runtime.Keys;
import dev.beluga.controllers.runtime.OwnedPodEvents;
import dev.beluga.controllers.runtime.Owners;
import dev.beluga.controllers.runtime.PodControl;
import dev.beluga.controllers.runtime.PodStates;
import dev.beluga.controllers.runtime.Selectors;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The DaemonSet controller (upstream {@code pkg/controller/daemon}): one pod per eligible node (see
 * {@link DaemonPlacement}), pinned to it by node affinity and bound by the scheduler; pods on nodes that stopped
 * being eligible, duplicates (the oldest is kept) and failed pods are deleted; nodes coming and going are followed.
 * Each template is a ControllerRevision ({@code <name>-<hash>}, revision numbers increasing); pods carry the
 * {@code controller-revision-hash} label. RollingUpdate replaces old pods at most {@code maxUnavailable} (default 1)
 * at a time, counting pods not yet available as unavailable; with {@code maxSurge} it starts the new pod beside the old
 * one on at most maxSurge nodes at a time and deletes the old pod once the new one is available (no gap on the node);
 * OnDelete replaces only pods the user deleted. Status as {@code kubectl get ds} reads it. Orphan pods matching the
 * selector are adopted and owned pods that stop matching are released.
 */
public final class DaemonSetController implements Controller {
    static final String HASH_LABEL = "controller-revision-hash";
    private ControllerContext ctx;
    private WorkQueue<String> queue;
    private Expectations expectations;
    private PodControl pods;

    @Override
    public String name() {
        return "daemonset-controller";
    }

    @Override
    public void register(ControllerContext ctx, WorkQueue<String> queue) {
        this.ctx = ctx;
        this.queue = queue;
        this.expectations = new Expectations(ctx.clock());
        this.pods = new PodControl(ctx.client(), ctx.events(), name());
        ctx.informers().informer(ControllerRevision.class);
        ctx.informers().informer(DaemonSet.class).addEventHandler(KeyEvents.<DaemonSet>enqueue(queue, ds -> expectations.delete(Keys.of(ds))));
        ctx.informers().informer(Pod.class).addEventHandler(new OwnedPodEvents("DaemonSet", expectations, queue, this::enqueueMatching));
        ctx.informers().informer(Node.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node n) {
                all();
            }

            @Override
            public void onUpdate(Node o, Node n) {
                if (!Objects.equals(o.getMetadata().getLabels(), n.getMetadata().getLabels())
                    || !Objects.equals(o.getSpec() == null ? null : o.getSpec().getTaints(), n.getSpec() == null ? null : n.getSpec().getTaints()))
                    all();
            }

            @Override
            public void onDelete(Node n, boolean unknown) {
                all();
            }
        });
    }

    private void enqueueMatching(Pod p) {
        var labels = p.getMetadata().getLabels() == null ? java.util.Map.<String, String>of() : p.getMetadata().getLabels();
        for (DaemonSet ds : ctx.informers().list(DaemonSet.class, p.getMetadata().getNamespace()))
            if (Selectors.of(ds.getSpec().getSelector()).matches(labels)) queue.add(Keys.of(ds));
    }

    private void all() {
        for (DaemonSet ds : ctx.informers().list(DaemonSet.class)) queue.add(Keys.of(ds));
    }

    @Override
    public void reconcile(String key) {
        DaemonSet ds = ctx.informers().get(DaemonSet.class, Keys.namespace(key), Keys.name(key));
        if (ds == null) {
            expectations.delete(key);
            return;
        }
        String hash = ensureRevision(ds);
        Map<String, List<Pod>> byNode = new HashMap<>();
        List<Pod> failed = new ArrayList<>();
        // orphans matching the selector are adopted, owned pods that stopped matching released (as upstream)
        List<Pod> claimed = Claims.claim(ctx.client(), ctx.informers().list(Pod.class, ds.getMetadata().getNamespace()), ds,
            Selectors.of(ds.getSpec().getSelector()), PodStates::isActive);
        for (Pod p : claimed) {
            if (p.getMetadata().getDeletionTimestamp() != null) continue;
            if ("Failed".equals(PodStates.phase(p))) {
                failed.add(p);
                continue;
            }
            String node = DaemonPlacement.targetNode(p);
            if (node != null) byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(p);
        }
        List<Node> nodes = ctx.informers().list(Node.class);
        PodSpec template = ds.getSpec().getTemplate().getSpec();
        Instant now = ctx.clock().instant();
        int minReady = ds.getSpec().getMinReadySeconds() == null ? 0 : ds.getSpec().getMinReadySeconds();
        if (ds.getMetadata().getDeletionTimestamp() == null && expectations.satisfied(key)) {
            List<String> create = new ArrayList<>();
            List<Pod> delete = new ArrayList<>(failed);
            List<Pod> old = new ArrayList<>();
            int unavailable = 0;
            int surge = isRollingUpdate(ds) ? maxSurge(ds, nodes.size()) : 0;
            java.util.Set<String> surging = new java.util.HashSet<>();
            for (Node node : nodes) {
                String name = node.getMetadata().getName();
                List<Pod> here = byNode.getOrDefault(name, List.of());
                boolean run = DaemonPlacement.shouldRun(node, template);
                if (!run) {
                    delete.addAll(here);
                    continue;
                }
                if (here.isEmpty()) {
                    create.add(name);
                    unavailable++;
                    continue;
                }
                List<Pod> sorted = new ArrayList<>(here);
                sorted.sort(Comparator.comparing(PodStates::created));
                if (surge > 0) {
                    surgeNode(name, sorted, hash, minReady, now, create, delete, surging);
                    continue;
                }
                delete.addAll(sorted.subList(1, sorted.size()));
                Pod kept = sorted.getFirst();
                if (!PodStates.isAvailable(kept, minReady, now)) unavailable++;
                if (!hash.equals(label(kept, HASH_LABEL))) old.add(kept);
            }
            if (surge > 0) {
                // start replacements on nodes that have only old pods, at most maxSurge nodes surging at once
                int budget = surge - surging.size();
                for (Map.Entry<String, List<Pod>> e : byNode.entrySet()) {
                    if (budget <= 0) break;
                    if (!wantsSurge(e.getKey(), e.getValue(), hash, nodes, template)) continue;
                    create.add(e.getKey());
                    budget--;
                }
            }
            for (Map.Entry<String, List<Pod>> e : byNode.entrySet())
                if (nodes.stream().noneMatch(n -> n.getMetadata().getName().equals(e.getKey()))) delete.addAll(e.getValue());
            if (isRollingUpdate(ds)) {
                int maxUnavailable = maxUnavailable(ds, nodes.size());
                // unavailable old pods first: replacing them costs no availability
                old.sort(Comparator.comparing(p -> PodStates.isAvailable(p, minReady, now)));
                int budget = maxUnavailable - unavailable;
                for (Pod p : old) {
                    if (!PodStates.isAvailable(p, minReady, now)) delete.add(p);
                    else if (budget-- > 0) delete.add(p);
                }
            }
            expectations.expect(key, create.size(), delete.size());
            // deletions first: while surging, the old pod of one node goes before the next node's new one starts.
            // A failed call ends the sync; what was not attempted is taken off the expectations so none is awaited.
            int deleted = 0;
            int created = 0;
            try {
                for (Pod p : delete) {
                    deleted++;
                    pods.delete(p, ds);
                }
                for (String node : create) {
                    created++;
                    pods.create(newPod(ds, node, hash), ds);
                }
            } catch (KubernetesClientException e) {
                // the failed call and those after it will never be observed
                int deletesLeft = created == 0 ? delete.size() - deleted + 1 : 0;
                int createsLeft = created == 0 ? create.size() : create.size() - created + 1;
                for (int i = 0; i < deletesLeft; i++) expectations.deletionObserved(key);
                for (int i = 0; i < createsLeft; i++) expectations.creationObserved(key);
                throw e;
            }
        }
        updateStatus(ds, nodes, byNode, hash, minReady, now);
        if (minReady > 0) queue.addAfter(key, Duration.ofSeconds(minReady));
    }

    /**
     * Surge mode on one node (pods oldest first): extra pods of the current revision beyond the oldest are deleted;
     * once the current revision's pod is available, the old ones go; a node with a current pod not yet available
     * and old pods still running is surging.
     */
    private static void surgeNode(String node, List<Pod> sorted, String hash, int minReady, Instant now, List<String> create,
                                  List<Pod> delete, java.util.Set<String> surging) {
        List<Pod> current = sorted.stream().filter(p -> hash.equals(label(p, HASH_LABEL))).toList();
        List<Pod> stale = sorted.stream().filter(p -> !hash.equals(label(p, HASH_LABEL))).toList();
        if (current.size() > 1) delete.addAll(current.subList(1, current.size()));
        if (current.isEmpty()) {
            // an old pod that is not available anyway is replaced at once, outside the surge budget
            if (stale.stream().noneMatch(p -> PodStates.isAvailable(p, minReady, now))) {
                delete.addAll(stale);
                create.add(node);
            }
            return;
        }
        if (PodStates.isAvailable(current.getFirst(), minReady, now)) delete.addAll(stale);
        else if (!stale.isEmpty()) surging.add(node);
    }

    /** A node with only old (available) pods, eligible to get its replacement started next. */
    private static boolean wantsSurge(String node, List<Pod> pods, String hash, List<Node> nodes, PodSpec template) {
        if (pods.stream().anyMatch(p -> hash.equals(label(p, HASH_LABEL)))) return false;
        return nodes.stream().anyMatch(n -> n.getMetadata().getName().equals(node) && DaemonPlacement.shouldRun(n, template));
    }

    static int maxSurge(DaemonSet ds, int nodes) {
        var s = ds.getSpec().getUpdateStrategy();
        IntOrString v = s == null || s.getRollingUpdate() == null ? null : s.getRollingUpdate().getMaxSurge();
        if (v == null) return 0;
        if (v.getIntVal() != null) return Math.max(0, v.getIntVal());
        String str = v.getStrVal();
        // percentages round up, as upstream's maxSurge
        if (str != null && str.endsWith("%")) return (int) Math.ceil(nodes * Integer.parseInt(str.substring(0, str.length() - 1)) / 100.0);
        return 0;
    }

    private static String label(Pod p, String key) {
        return p.getMetadata().getLabels() == null ? null : p.getMetadata().getLabels().get(key);
    }

    private static boolean isRollingUpdate(DaemonSet ds) {
        return ds.getSpec().getUpdateStrategy() == null || !"OnDelete".equals(ds.getSpec().getUpdateStrategy().getType());
    }

    static int maxUnavailable(DaemonSet ds, int nodes) {
        var s = ds.getSpec().getUpdateStrategy();
        IntOrString v = s == null || s.getRollingUpdate() == null ? null : s.getRollingUpdate().getMaxUnavailable();
        if (v == null) return 1;
        if (v.getIntVal() != null) return Math.max(1, v.getIntVal());
        String str = v.getStrVal();
        if (str != null && str.endsWith("%")) return Math.max(1, (int) Math.floor(nodes * Integer.parseInt(str.substring(0, str.length() - 1)) / 100.0));
        return 1;
    }

    private Pod newPod(DaemonSet ds, String node, String hash) {
        Pod p = PodControl.fromTemplate(ds.getSpec().getTemplate(), ds, ds.getMetadata().getName() + "-");
        if (p.getMetadata().getLabels() == null) p.getMetadata().setLabels(new HashMap<>());
        p.getMetadata().getLabels().put(HASH_LABEL, hash);
        p.getMetadata().getLabels().put("pod-template-generation", String.valueOf(ds.getMetadata().getGeneration() == null ? 1 : ds.getMetadata().getGeneration()));
        PodSpec spec = new io.fabric8.kubernetes.api.model.PodSpecBuilder(p.getSpec()).build();
        spec.setTolerations(DaemonPlacement.withDefaults(spec));
        DaemonPlacement.pinToNode(spec, node);
        p.setSpec(spec);
        return p;
    }

    /** Ensures a ControllerRevision for the current template exists; returns its hash. */
    private String ensureRevision(DaemonSet ds) {
        int collisions = ds.getStatus() == null || ds.getStatus().getCollisionCount() == null ? 0 : ds.getStatus().getCollisionCount();
        String hash = Revisions.hash(ds.getSpec().getTemplate(), collisions);
        String name = ds.getMetadata().getName() + "-" + hash;
        String ns = ds.getMetadata().getNamespace();
        if (ctx.informers().get(ControllerRevision.class, ns, name) != null) return hash;
        long max = 0;
        for (ControllerRevision r : ctx.informers().list(ControllerRevision.class, ns))
            if (Owners.isControlledBy(r, ds)) max = Math.max(max, r.getRevision());
        Map<String, String> labels = new HashMap<>(ds.getSpec().getTemplate().getMetadata() == null
            || ds.getSpec().getTemplate().getMetadata().getLabels() == null ? Map.of() : ds.getSpec().getTemplate().getMetadata().getLabels());
        labels.put(HASH_LABEL, hash);
        try {
            ctx.client().apps().controllerRevisions().inNamespace(ns).resource(new ControllerRevisionBuilder().withNewMetadata()
                .withName(name).withNamespace(ns).withLabels(labels).withOwnerReferences(Owners.controllerRef(ds)).endMetadata()
                .withRevision(max + 1).withData(Revisions.data(ds.getSpec().getTemplate())).build()).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) throw e;
        }
        return hash;
    }

    private void updateStatus(DaemonSet ds, List<Node> nodes, Map<String, List<Pod>> byNode, String hash, int minReady, Instant now) {
        int desired = 0;
        int current = 0;
        int misscheduled = 0;
        int ready = 0;
        int available = 0;
        int updated = 0;
        PodSpec template = ds.getSpec().getTemplate().getSpec();
        for (Node node : nodes) {
            List<Pod> here = byNode.getOrDefault(node.getMetadata().getName(), List.of());
            boolean run = DaemonPlacement.shouldRun(node, template);
            if (run) desired++;
            if (here.isEmpty()) continue;
            if (!run) {
                misscheduled++;
                continue;
            }
            current++;
            // while surging a node has two pods: the current revision's speaks for it
            Pod p = here.stream().filter(x -> hash.equals(label(x, HASH_LABEL))).findFirst().orElse(here.getFirst());
            if (PodStates.isReady(p)) ready++;
            if (PodStates.isAvailable(p, minReady, now)) available++;
            if (hash.equals(label(p, HASH_LABEL))) updated++;
        }
        DaemonSetStatus old = ds.getStatus() == null ? new DaemonSetStatus() : ds.getStatus();
        DaemonSetStatus next = new DaemonSetStatusBuilder(old).withDesiredNumberScheduled(desired).withCurrentNumberScheduled(current)
            .withNumberMisscheduled(misscheduled).withNumberReady(ready).withNumberAvailable(available)
            .withNumberUnavailable(desired - available > 0 ? desired - available : null).withUpdatedNumberScheduled(updated)
            .withObservedGeneration(ds.getMetadata().getGeneration()).build();
        if (next.equals(old)) return;
        DaemonSet copy = new io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder(ds).withStatus(next).build();
        ctx.client().apps().daemonSets().inNamespace(ds.getMetadata().getNamespace()).resource(copy).updateStatus();
    }
}
