package dev.beluga.apiserver.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.api.quota.Amount;
import dev.beluga.api.quota.QuotaCalculator;
import dev.beluga.api.quota.QuotaCheck;
import dev.beluga.api.quota.QuotaScopes;
import dev.beluga.api.quota.QuotaUsage;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.registry.CachedObject;
import dev.beluga.apiserver.registry.RegistryStore;
import dev.beluga.apiserver.registry.ResourceRegistry;
import dev.beluga.apiserver.registry.WriteHooks;
import dev.beluga.apiserver.registry.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Charges objects to the ResourceQuotas of their namespace (upstream's quota admission):
 * <ul>
 *   <li>the quotas are those of the watch cache (as upstream's informer-fed admission); each applies when its scopes
 *       match the object ({@link QuotaScopes});</li>
 *   <li>a pod must state every compute resource a quota that applies to it limits ({@code failed quota: NAME: must
 *       specify ...});</li>
 *   <li>what the object adds to a limited resource ({@link QuotaCheck#charge}) must fit in {@code spec.hard} over
 *       {@code status.used} as stored; it is then added to {@code status.used} by a compare-and-swap write of the
 *       quota, checked again against the quota read in that write, so two creates can never both take the last
 *       unit. A refusal is 403 {@code exceeded quota: NAME, requested: ..., used: ..., limited: ...};</li>
 *   <li>when the object is then certainly not stored (already exists, conflict, refused), what was charged is given
 *       back; when the store failed without knowing, the charge stays until the quota controller recalculates.</li>
 * </ul>
 * Dry runs check without charging. Charges of one namespace are serialized by a lock (one of 64, by namespace), so
 * concurrent creates in a namespace do not fight over the quota's compare-and-swap; another API server (etcd) may
 * still conflict, which is retried by the registry's read-modify-write.
 *
 * <p>Threading: called concurrently from request threads; thread-safe.
 */
public final class QuotaLedger {
    private static final Logger log = LoggerFactory.getLogger(QuotaLedger.class);
    private static final WriteOptions STATUS_WRITE = new WriteOptions(false, "resource-quota-admission", "Ignore", "status");

    private final RegistryObjects objects;
    private final Clock clock;
    private final ReentrantLock[] locks = new ReentrantLock[64];

    public QuotaLedger(ResourceRegistry registry, Clock clock) {
        this.objects = new RegistryObjects(registry);
        this.clock = clock;
        for (int i = 0; i < locks.length; i++) locks[i] = new ReentrantLock();
    }

    /** What was charged to one quota. */
    private record Charged(String namespace, String quota, Map<String, Amount> amounts) {
    }

    /**
     * Charges {@code obj} (replacing {@code old}; null for a create) of {@code plural} in {@code group}, or refuses it
     * with a {@link StatusException}; the completion gives the charges back when the write did not happen.
     */
    public WriteHooks.Completion charge(String group, String plural, ObjectNode obj, ObjectNode old, boolean dryRun) {
        String namespace = obj.path("metadata").path("namespace").asText("");
        if (namespace.isEmpty()) return WriteHooks.Completion.NOTHING;
        RegistryStore quotas = objects.store("", "resourcequotas");
        if (quotas == null) return WriteHooks.Completion.NOTHING;
        List<CachedObject> cached = new ArrayList<>(quotas.list(namespace, RegistryObjects.CACHED).items());
        if (cached.isEmpty()) return WriteHooks.Completion.NOTHING;
        cached.sort(Comparator.comparing(CachedObject::name));
        var now = clock.instant();
        Map<String, Amount> usage = QuotaUsage.of(group, plural, obj, now);
        Map<String, Amount> before = old == null ? Map.of() : QuotaUsage.of(group, plural, old, now);
        boolean pod = group.isEmpty() && plural.equals("pods");
        String name = obj.path("metadata").path("name").asText("");
        List<Charged> charged = new ArrayList<>();
        ReentrantLock lock = locks[Math.floorMod(namespace.hashCode(), locks.length)];
        lock.lock();
        try {
            for (CachedObject c : cached) {
                JsonNode quota = c.object();
                if (!QuotaScopes.matches(quota, group, plural, obj)) continue;
                Map<String, Amount> hard = QuotaCalculator.hard(quota);
                if (pod && old == null && !usage.isEmpty() && usage.containsKey("pods")) {
                    String missing = QuotaCheck.missingSpecification(hard, obj);
                    if (missing != null) throw StatusException.forbidden(group, plural, name, "failed quota: " + c.name() + ": " + missing);
                }
                Map<String, Amount> amounts = QuotaCheck.charge(hard, usage, before);
                if (amounts.isEmpty()) continue;
                if (dryRun) {
                    String exceeded = QuotaCheck.exceeded(c.name(), hard, QuotaCalculator.used(quota), amounts);
                    if (exceeded != null) throw StatusException.forbidden(group, plural, name, exceeded);
                    continue;
                }
                apply(quotas, namespace, c.name(), amounts, group, plural, name, true);
                charged.add(new Charged(namespace, c.name(), amounts));
            }
        } catch (RuntimeException e) {
            giveBack(quotas, charged);
            throw e;
        } finally {
            lock.unlock();
        }
        if (charged.isEmpty()) return WriteHooks.Completion.NOTHING;
        return outcome -> {
            if (outcome != WriteHooks.Outcome.NOT_STORED) return;
            lock.lock();
            try {
                giveBack(quotas, charged);
            } finally {
                lock.unlock();
            }
        };
    }

    /** Adds {@code amounts} to the quota's {@code status.used} (checking its limits first when {@code check}). */
    private void apply(RegistryStore quotas, String namespace, String quota, Map<String, Amount> amounts,
                       String group, String plural, String name, boolean check) {
        quotas.update(namespace, quota, q -> {
            Map<String, Amount> used = QuotaCalculator.used(q);
            if (check) {
                String exceeded = QuotaCheck.exceeded(quota, QuotaCalculator.hard(q), used, amounts);
                if (exceeded != null) throw StatusException.forbidden(group, plural, name, exceeded);
            }
            writeUsed(q, QuotaCheck.add(used, amounts));
            return q;
        }, STATUS_WRITE);
    }

    private void giveBack(RegistryStore quotas, List<Charged> charged) {
        for (Charged c : charged) {
            Map<String, Amount> negative = new TreeMap<>();
            c.amounts().forEach((k, v) -> negative.put(k, Amount.ZERO.minus(v)));
            try {
                apply(quotas, c.namespace(), c.quota(), negative, "", "", "", false);
            } catch (RuntimeException e) {
                log.info("giving back a charge to quota {}/{} failed (the quota controller will recalculate it): {}",
                    c.namespace(), c.quota(), e.toString());
            }
        }
    }

    /** Sets {@code status.used} (keeping the resources it does not name). */
    static void writeUsed(ObjectNode quota, Map<String, Amount> used) {
        ObjectNode out = Json.with(Json.with(quota, "status"), "used");
        used.forEach((k, v) -> out.put(k, v.toString()));
    }
}
