package dev.beluga.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.api.labels.InvalidSelectorException;
import dev.beluga.api.labels.LabelSelector;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.registry.CachedObject;
import dev.beluga.apiserver.registry.ListOptions;
import dev.beluga.apiserver.registry.RegistryStore;
import dev.beluga.apiserver.registry.ResourceRegistry;
import dev.beluga.apiserver.registry.WriteOptions;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The PodDisruptionBudget check of {@code pods/eviction} (upstream {@code EvictionREST}): decides whether a pod may be
 * evicted now and, when its budget pays for the eviction, records that in the budget's status before the pod is
 * deleted: {@code disruptionsAllowed - 1} and {@code disruptedPods[pod] = now}, in one optimistic update of
 * {@code /status} (re-read and re-checked on conflict) so that concurrent evictions cannot overspend a budget. The
 * disruption controller later drops the entry when it sees the pod go.
 *
 * <p>Refusals: more than one budget selects the pod → 500; the budget's status is older than its spec
 * ({@code observedGeneration < generation}) or it allows no disruption → 429 TooManyRequests (what
 * {@code kubectl drain} retries on), with a {@code DisruptionBudget} cause. With {@code dryRun} every check runs and
 * nothing is written. Thread-safe (stateless apart from the store).
 */
final class DisruptionBudgetGate {
    /** Upstream's {@code MaxDisruptedPodSize}: beyond this many unconfirmed evictions a budget refuses more. */
    static final int MAX_DISRUPTED_PODS = 2000;
    static final String VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";

    /** What the eviction may do after the check. */
    enum Admission {
        /** No budget applies (or the pod is terminal or already being deleted): delete as asked. */
        FREE,
        /**
         * The pod is not counted as healthy by its budget (or is Pending), so it is deleted without spending the
         * budget, but only if it has not changed since it was checked (a resourceVersion precondition).
         */
        UNLESS_CHANGED,
        /** The budget paid for the eviction (recorded in its status unless dry-run). */
        CHARGED
    }

    private final RegistryStore budgets;

    DisruptionBudgetGate(ResourceRegistry registry) {
        this.budgets = registry.get("policy", "v1", "poddisruptionbudgets");
    }

    /** Checks {@code pod} (as just read) against the budgets of its namespace; throws the refusal as a StatusException. */
    Admission admit(ObjectNode pod, boolean dryRun) {
        String phase = pod.path("status").path("phase").asText("");
        if (phase.equals("Succeeded") || phase.equals("Failed") || pod.path("metadata").hasNonNull("deletionTimestamp"))
            return Admission.FREE;
        if (phase.equals("Pending") || phase.isEmpty()) return Admission.UNLESS_CHANGED;
        String namespace = pod.path("metadata").path("namespace").asText();
        List<ObjectNode> selecting = selecting(namespace, pod.path("metadata").path("labels"));
        if (selecting.isEmpty()) return Admission.FREE;
        if (selecting.size() > 1) {
            String msg = "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.";
            throw new StatusException(500, "InternalError", "Internal error occurred: " + msg, null, null, null,
                List.of(new StatusException.Cause(null, msg, null)), null);
        }
        ObjectNode pdb = selecting.getFirst();
        if (!isReady(pod)) {
            JsonNode spec = pdb.path("spec");
            JsonNode status = pdb.path("status");
            if ("AlwaysAllow".equals(spec.path("unhealthyPodEvictionPolicy").asText()))
                return Admission.UNLESS_CHANGED;
            int desired = status.path("desiredHealthy").asInt(0);
            if (desired > 0 && status.path("currentHealthy").asInt(0) >= desired) return Admission.UNLESS_CHANGED;
        }
        charge(namespace, pdb.path("metadata").path("name").asText(), pod.path("metadata").path("name").asText(), dryRun);
        return Admission.CHARGED;
    }

    /** The budgets of the namespace whose selector matches these labels (a null or invalid selector matches nothing). */
    private List<ObjectNode> selecting(String namespace, JsonNode labels) {
        List<ObjectNode> out = new ArrayList<>();
        for (CachedObject c : budgets.list(namespace, ListOptions.all()).items()) {
            ObjectNode budget = c.object();
            LabelSelector sel;
            try {
                sel = LabelSelector.fromJson(budget.path("spec").get("selector"));
            } catch (InvalidSelectorException e) {
                continue;
            }
            if (sel.matches(labels)) out.add(budget);
        }
        return out;
    }

    /** Spends one disruption of the budget on the pod: one optimistic status update, re-checked on every retry. */
    private void charge(String namespace, String pdbName, String podName, boolean dryRun) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        budgets.update(namespace, pdbName, pdb -> {
            check(pdb);
            ObjectNode status = Json.with(pdb, "status");
            status.put("disruptionsAllowed", status.path("disruptionsAllowed").asInt() - 1);
            Json.with(status, "disruptedPods").put(podName, now);
            return pdb;
        }, new WriteOptions(dryRun, "beluga-eviction", "Ignore", "status"));
    }

    /** Throws unless the budget, as stored now, allows one more disruption. */
    private static void check(ObjectNode pdb) {
        String name = pdb.path("metadata").path("name").asText();
        JsonNode status = pdb.path("status");
        if (status.path("observedGeneration").asLong(0) < pdb.path("metadata").path("generation").asLong(0))
            throw tooManyRequests("The disruption budget " + name + " is still being processed by the server.", 10);
        int allowed = status.path("disruptionsAllowed").asInt(0);
        if (allowed < 0) throw StatusException.forbidden("pdb disruptions allowed is negative");
        if (status.path("disruptedPods").size() > MAX_DISRUPTED_PODS)
            throw StatusException.forbidden("DisruptedPods map too big - too many evictions not confirmed by PDB controller");
        if (allowed == 0)
            throw tooManyRequests("The disruption budget " + name + " needs " + status.path("desiredHealthy").asInt(0)
                + " healthy pods and has " + status.path("currentHealthy").asInt(0) + " currently", null);
    }

    private static StatusException tooManyRequests(String cause, Integer retryAfterSeconds) {
        return new StatusException(429, "TooManyRequests", VIOLATION, null, null, null,
            List.of(new StatusException.Cause("DisruptionBudget", cause, null)), retryAfterSeconds);
    }

    private static boolean isReady(JsonNode pod) {
        for (JsonNode c : pod.path("status").path("conditions"))
            if ("Ready".equals(c.path("type").asText())) return "True".equals(c.path("status").asText());
        return false;
    }
}
