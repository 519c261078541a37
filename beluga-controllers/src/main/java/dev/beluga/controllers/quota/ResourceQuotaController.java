package dev.beluga.controllers.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.api.quota.Amount;
import dev.beluga.api.quota.QuotaCalculator;
import dev.beluga.api.quota.QuotaUsage;
import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.Keys;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * The resource quota controller (upstream {@code pkg/controller/resourcequota}): keeps every ResourceQuota's
 * {@code status.hard} equal to its {@code spec.hard} and its {@code status.used} equal to what the objects of its
 * namespace use ({@link QuotaCalculator}). The API server charges creates as they happen; this controller gives back
 * what deletes and ended pods release, and corrects what a failed write left charged.
 * <ul>
 *   <li>Pods, Services, PersistentVolumeClaims and ConfigMaps are counted from the shared informers; a delete, a pod
 *       that stops counting (it ended, or its grace period ran out), a Service whose type changes and a claim whose
 *       request changes recalculate their namespace's quotas. Objects of other types ({@code count/...},
 *       {@code secrets}) are listed from the API server when a quota names them, and an informer of that type is
 *       started for their deletes (as upstream's quota monitors).</li>
 *   <li>Every quota is recalculated every {@link #RESYNC} (upstream: 5 minutes), or as constructed.</li>
 *   <li>The status is written with the quota's resourceVersion: a charge by the API server in between makes the
 *       write conflict and the key is retried with backoff, so a recalculation never erases a newer charge. A
 *       recalculation that would lower a resource (a release) counts again from LISTs of the API server, not from
 *       the informers, which may not have seen an object the API server charged yet (upstream gives back on its
 *       informers' word); only an object charged but not yet stored at that moment (milliseconds) can be missed,
 *       until the next recalculation.</li>
 * </ul>
 * Contract: {@code reconcile} is idempotent and runs for one quota on one worker at a time; handlers run on informer
 * threads and only enqueue.
 */
public final class ResourceQuotaController implements Controller {
    private static final Logger log = LoggerFactory.getLogger(ResourceQuotaController.class);
    /** How often every quota is recalculated (upstream's {@code --resource-quota-sync-period} is 5 minutes). */
    public static final Duration RESYNC = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Duration resync;

    private ControllerContext ctx;
    private WorkQueue<String> queue;
    /** Informers started for the deletes of other types a quota counts, by {@code group/plural}. */
    private final java.util.Set<String> deleteWatches = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public ResourceQuotaController() {
        this(RESYNC);
    }

    /** A controller recalculating every quota every {@code resync} (tests use a short one). */
    public ResourceQuotaController(Duration resync) {
        this.resync = resync;
    }

    @Override
    public String name() {
        return "resourcequota-controller";
    }

    @Override
    public void register(ControllerContext ctx, WorkQueue<String> queue) {
        this.ctx = ctx;
        this.queue = queue;
        ctx.informers().informer(ResourceQuota.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ResourceQuota q) {
                queue.add(Keys.of(q));
            }

            @Override
            public void onUpdate(ResourceQuota o, ResourceQuota q) {
                if (!Objects.equals(q.getSpec(), o.getSpec()) || needsStatus(q)) queue.add(Keys.of(q));
            }

            @Override
            public void onDelete(ResourceQuota q, boolean unknown) {
            }
        });
        replenish(Pod.class, (o, n) -> {
            var now = ctx.clock().instant();
            return counts(o, now) && !counts(n, now);
        });
        replenish(Service.class, (o, n) -> !Objects.equals(type(o), type(n))
            || !Objects.equals(o.getSpec().getPorts(), n.getSpec().getPorts()));
        replenish(PersistentVolumeClaim.class, (o, n) -> !Objects.equals(o.getSpec().getResources(), n.getSpec().getResources()));
        replenish(ConfigMap.class, (o, n) -> false);
    }

    /** {@link QuotaUsage#countsAsPod} on the informer's object, without turning every pod update into JSON. */
    private static boolean counts(Pod p, java.time.Instant now) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) return false;
        var meta = p.getMetadata();
        if (meta.getDeletionTimestamp() == null || meta.getDeletionGracePeriodSeconds() == null) return true;
        ObjectNode m = JSON.createObjectNode();
        m.putObject("metadata").put("deletionTimestamp", meta.getDeletionTimestamp())
            .put("deletionGracePeriodSeconds", meta.getDeletionGracePeriodSeconds());
        return QuotaUsage.countsAsPod(m, now);
    }

    private static String type(Service s) {
        return s.getSpec() == null ? null : s.getSpec().getType();
    }

    /** Recalculates the namespace's quotas when an object of {@code type} is deleted or changes as {@code releases} says. */
    private <T extends HasMetadata> void replenish(Class<T> type, BiPredicate<T, T> releases) {
        ctx.informers().informer(type).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
            }

            @Override
            public void onUpdate(T old, T obj) {
                if (releases.test(old, obj)) enqueueNamespace(obj.getMetadata().getNamespace());
            }

            @Override
            public void onDelete(T obj, boolean unknown) {
                enqueueNamespace(obj.getMetadata().getNamespace());
            }
        });
    }

    private void enqueueNamespace(String namespace) {
        for (ResourceQuota q : ctx.informers().list(ResourceQuota.class, namespace)) queue.add(Keys.of(q));
    }

    private static boolean needsStatus(ResourceQuota q) {
        if (q.getStatus() == null || q.getStatus().getHard() == null) return true;
        if (q.getSpec() == null || q.getSpec().getHard() == null) return false;
        return !q.getStatus().getHard().equals(q.getSpec().getHard())
            || q.getStatus().getUsed() == null || !q.getStatus().getUsed().keySet().containsAll(q.getSpec().getHard().keySet());
    }

    @Override
    public void reconcile(String key) {
        ResourceQuota cached = ctx.informers().get(ResourceQuota.class, Keys.namespace(key), Keys.name(key));
        if (cached == null) return;
        ObjectNode quota = tree(cached);
        for (String name : QuotaCalculator.hard(quota).keySet()) watchDeletes(QuotaCalculator.typeOf(name));
        Map<String, Amount> used = QuotaCalculator.calculate(quota, this::list, ctx.clock().instant());
        if (lowers(quota, used)) {
            // a release: the informers may lag behind objects the API server has already charged, so count from
            // the API server's own lists before giving anything back
            used = QuotaCalculator.calculate(quota, (g, p, ns) -> ApiLists.list(ctx.client(), g, p, ns), ctx.clock().instant());
        }
        JsonNode hard = quota.path("spec").path("hard");
        ObjectNode status = JSON.createObjectNode();
        status.set("hard", hard.isObject() ? hard.deepCopy() : JSON.createObjectNode());
        ObjectNode usedNode = status.putObject("used");
        used.forEach((k, v) -> usedNode.put(k, v.toString()));
        if (!sameStatus(quota.path("status"), status)) {
            quota.set("status", status);
            ResourceQuota updated = JSON.convertValue(quota, ResourceQuota.class);
            try {
                ctx.client().resourceQuotas().inNamespace(Keys.namespace(key)).resource(updated).updateStatus();
                log.debug("quota {}: used {}", key, usedNode);
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) return;
                throw e; // 409: a charge came in between; retried with backoff
            }
        }
        queue.addAfter(key, resync);
    }

    /**
     * For a type a quota counts that the shared informers do not watch ({@code secrets}, {@code count/...}): an
     * informer of its own (all namespaces, started now, stopped with the shared ones) whose deletes recalculate the
     * namespace's quotas, as upstream's quota monitors. Once per type; a type the server does not serve is skipped.
     */
    private void watchDeletes(QuotaCalculator.TypeRef t) {
        if (t.group().isEmpty() && Set.of("pods", "services", "persistentvolumeclaims", "configmaps").contains(t.plural())) return;
        if (!deleteWatches.add(t.group() + "/" + t.plural())) return;
        var where = ApiLists.context(ctx.client(), t.group(), t.plural());
        if (where == null) {
            deleteWatches.remove(t.group() + "/" + t.plural()); // looked up again at the next recalculation
            return;
        }
        var informer = ctx.client().genericKubernetesResources(where).inAnyNamespace().runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(io.fabric8.kubernetes.api.model.GenericKubernetesResource o) {
            }

            @Override
            public void onUpdate(io.fabric8.kubernetes.api.model.GenericKubernetesResource o, io.fabric8.kubernetes.api.model.GenericKubernetesResource n) {
            }

            @Override
            public void onDelete(io.fabric8.kubernetes.api.model.GenericKubernetesResource o, boolean unknown) {
                enqueueNamespace(o.getMetadata().getNamespace());
            }
        });
        ctx.informers().closeWith(informer::stop);
        // deletes before the informer's first list are not events: every quota is recalculated once it has listed
        informer.start().whenComplete((v, e) -> {
            for (ResourceQuota q : ctx.informers().list(ResourceQuota.class)) queue.add(Keys.of(q));
        });
        log.debug("watching deletes of {} for quotas", t);
    }

    /** Whether {@code used} is below the quota's stored {@code status.used} for some resource. */
    private static boolean lowers(JsonNode quota, Map<String, Amount> used) {
        Map<String, Amount> stored = QuotaCalculator.used(quota);
        for (Map.Entry<String, Amount> e : used.entrySet()) {
            Amount before = stored.get(e.getKey());
            if (before != null && e.getValue().compareTo(before) < 0) return true;
        }
        return false;
    }

    /** Equal hard and used, comparing quantities by value ({@code 1000m} is {@code 1}). */
    private static boolean sameStatus(JsonNode current, JsonNode wanted) {
        for (String part : new String[] {"hard", "used"}) {
            Map<String, Amount> a = dev.beluga.api.quota.PodResourceSums.quantities(current.path(part));
            Map<String, Amount> b = dev.beluga.api.quota.PodResourceSums.quantities(wanted.path(part));
            if (!a.equals(b)) return false;
        }
        return true;
    }

    /** The namespace's objects of a type: from the informers for the four watched types, else a LIST. */
    private List<JsonNode> list(String group, String plural, String namespace) {
        Class<? extends HasMetadata> watched = !group.isEmpty() ? null : switch (plural) {
            case "pods" -> Pod.class;
            case "services" -> Service.class;
            case "persistentvolumeclaims" -> PersistentVolumeClaim.class;
            case "configmaps" -> ConfigMap.class;
            default -> null;
        };
        List<JsonNode> out = new ArrayList<>();
        if (watched != null) {
            for (HasMetadata o : ctx.informers().list(watched, namespace)) out.add(tree(o));
            return out;
        }
        return ApiLists.list(ctx.client(), group, plural, namespace);
    }

    private static ObjectNode tree(Object o) {
        return JSON.valueToTree(o);
    }
}
