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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Charges objects to the ResourceQuotas of their namespace (upstream's quota admission):
 * <ul>
 *   <li>the quotas are those of the watch cache (as upstream's informer-fed admission); each applies when its scopes
 *       match the object ({@link QuotaScopes});</li>
 *   <li>a pod must state every compute resource a quota that applies to it limits ({@code failed quota: NAME: must
 *       specify ...});</li>
 *   <li>what the object adds to a limited resource ({@link QuotaCheck#charge}) must fit in {@code spec.hard} over
 *       {@code status.used} as stored; it is added to {@code status.used} by a compare-and-swap write of the quota
 *       whose function checks the limits on the quota as read in that write, so two creates never both take the last
 *       unit. A refusal is 403 {@code exceeded quota: NAME, requested: ..., used: ..., limited: ...};</li>
 *   <li>when the object is then certainly not stored (already exists, conflict, refused later), what was charged is
 *       given back; when the store failed without knowing, the charge stays until the quota controller recalculates.</li>
 * </ul>
 * Dry runs check against the cached quota without charging.
 *
 * <p>Batching, as upstream's per-namespace quota evaluator: charges wait in one of 64 queues (by namespace); whoever
 * finds its queue's lock free drains it and charges every waiting request with one quota write per quota and
 * namespace, in arrival order (a request that does not fit is refused and the later ones are still tried), then
 * completes them. Concurrent creates in one namespace thus share writes instead of fighting over the quota's
 * compare-and-swap. A request refused by a later quota of its namespace is given back to the earlier ones in the same
 * batch. Another writer of the quota (the controller, another API server over etcd) makes the write retry its
 * function on the newest quota.
 *
 * <p>Threading: called concurrently from request threads; thread-safe. A charging thread may block while another
 * drains its queue (never while holding another queue's lock, so there is no lock order to break).
 */
public final class QuotaLedger {
    private static final Logger log = LoggerFactory.getLogger(QuotaLedger.class);
    private static final WriteOptions STATUS_WRITE = new WriteOptions(false, "resource-quota-admission", "Ignore", "status");

    private final RegistryObjects objects;
    private final Clock clock;
    private final Stripe[] stripes = new Stripe[64];

    public QuotaLedger(ResourceRegistry registry, Clock clock) {
        this.objects = RegistryObjects.cached(registry);
        this.clock = clock;
        for (int i = 0; i < stripes.length; i++) stripes[i] = new Stripe();
    }

    /** What one request charges one quota. */
    private record Part(String quota, Map<String, Amount> amounts) {
    }

    /** One object's charges, waiting for a batch; {@code done} completes with null or a refusal. */
    private record Request(String namespace, String group, String plural, String name, List<Part> parts,
                           CompletableFuture<Void> done) {
        Part part(String quota) {
            for (Part p : parts) if (p.quota().equals(quota)) return p;
            return null;
        }
    }

    /** A queue of waiting requests and the lock of whoever charges them. */
    private static final class Stripe {
        final ConcurrentLinkedQueue<Request> waiting = new ConcurrentLinkedQueue<>();
        final ReentrantLock lock = new ReentrantLock();
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
        List<Part> parts = new ArrayList<>();
        for (CachedObject c : cached) {
            JsonNode quota = c.object();
            if (!QuotaScopes.matches(quota, group, plural, obj)) continue;
            Map<String, Amount> hard = QuotaCalculator.hard(quota);
            if (pod && old == null && usage.containsKey("pods")) {
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
            parts.add(new Part(c.name(), amounts));
        }
        if (parts.isEmpty()) return WriteHooks.Completion.NOTHING;
        Request request = new Request(namespace, group, plural, name, parts, new CompletableFuture<>());
        Stripe stripe = stripes[Math.floorMod(namespace.hashCode(), stripes.length)];
        stripe.waiting.add(request);
        drain(stripe, quotas);
        try {
            request.done().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
        return outcome -> {
            if (outcome != WriteHooks.Outcome.NOT_STORED) return;
            stripe.lock.lock();
            try {
                giveBack(quotas, namespace, parts);
            } finally {
                stripe.lock.unlock();
            }
            drain(stripe, quotas); // requests queued while the lock was held for the give-back
        };
    }

    /**
     * Charges what waits in the stripe while its lock is free. Whoever holds the lock calls this after letting go, so
     * a request added while the lock was held (its own call found the lock taken) is never left waiting.
     */
    private void drain(Stripe stripe, RegistryStore quotas) {
        while (!stripe.waiting.isEmpty() && stripe.lock.tryLock()) {
            try {
                List<Request> batch = new ArrayList<>();
                for (Request r; (r = stripe.waiting.poll()) != null; ) batch.add(r);
                Map<String, List<Request>> byNamespace = new LinkedHashMap<>();
                for (Request r : batch) byNamespace.computeIfAbsent(r.namespace(), k -> new ArrayList<>()).add(r);
                byNamespace.forEach((ns, requests) -> chargeBatch(quotas, ns, requests));
            } finally {
                stripe.lock.unlock();
            }
        }
    }

    /** One write per quota for the namespace's waiting requests; completes every one of them. */
    private void chargeBatch(RegistryStore quotas, String namespace, List<Request> requests) {
        List<Request> alive = new ArrayList<>(requests);
        Map<String, List<Request>> chargedIn = new LinkedHashMap<>();
        try {
            TreeSet<String> names = new TreeSet<>();
            for (Request r : requests) for (Part p : r.parts()) names.add(p.quota());
            for (String quota : names) {
                List<Request> want = new ArrayList<>();
                for (Request r : alive) if (r.part(quota) != null) want.add(r);
                if (want.isEmpty()) continue;
                List<Request> accepted = new ArrayList<>();
                Map<Request, String> refused = new LinkedHashMap<>();
                try {
                    quotas.update(namespace, quota, q -> {
                        accepted.clear();
                        refused.clear();
                        Map<String, Amount> hard = QuotaCalculator.hard(q);
                        Map<String, Amount> used = QuotaCalculator.used(q);
                        for (Request r : want) {
                            Map<String, Amount> amounts = r.part(quota).amounts();
                            String exceeded = QuotaCheck.exceeded(quota, hard, used, amounts);
                            if (exceeded != null) {
                                refused.put(r, exceeded);
                            } else {
                                used = QuotaCheck.add(used, amounts);
                                accepted.add(r);
                            }
                        }
                        writeUsed(q, used);
                        return q;
                    }, STATUS_WRITE);
                } catch (StatusException e) {
                    if (e.code() != 404) throw e;
                    continue; // the quota was deleted meanwhile: it limits nothing any more
                }
                chargedIn.put(quota, accepted);
                refused.forEach((r, message) -> {
                    alive.remove(r);
                    r.done().completeExceptionally(StatusException.forbidden(r.group(), r.plural(), r.name(), message));
                });
            }
        } catch (RuntimeException e) {
            for (Request r : alive) r.done().completeExceptionally(e);
            alive.clear();
        }
        // requests refused (or failed) at a later quota were charged at earlier ones: give those charges back
        chargedIn.forEach((quota, accepted) -> {
            List<Part> back = new ArrayList<>();
            for (Request r : accepted) if (!alive.contains(r)) back.add(r.part(quota));
            if (!back.isEmpty()) giveBack(quotas, namespace, back);
        });
        for (Request r : alive) r.done().complete(null);
    }

    /** Subtracts {@code parts} from their quotas' {@code status.used} (never below zero); failures are logged. */
    private void giveBack(RegistryStore quotas, String namespace, List<Part> parts) {
        Map<String, Map<String, Amount>> byQuota = new TreeMap<>();
        for (Part p : parts) {
            Map<String, Amount> sum = byQuota.computeIfAbsent(p.quota(), k -> new TreeMap<>());
            p.amounts().forEach((k, v) -> sum.merge(k, Amount.ZERO.minus(v), Amount::plus));
        }
        byQuota.forEach((quota, negative) -> {
            try {
                quotas.update(namespace, quota, q -> {
                    writeUsed(q, QuotaCheck.add(QuotaCalculator.used(q), negative));
                    return q;
                }, STATUS_WRITE);
            } catch (RuntimeException e) {
                log.info("giving back a charge to quota {}/{} failed (the quota controller will recalculate it): {}",
                    namespace, quota, e.toString());
            }
        });
    }

    /** Sets {@code status.used} (keeping the resources it does not name). */
    static void writeUsed(ObjectNode quota, Map<String, Amount> used) {
        ObjectNode out = Json.with(Json.with(quota, "status"), "used");
        used.forEach((k, v) -> out.put(k, v.toString()));
    }
}
