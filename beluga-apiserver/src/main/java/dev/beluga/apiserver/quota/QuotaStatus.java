package dev.beluga.apiserver.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.api.quota.Amount;
import dev.beluga.api.quota.QuotaCalculator;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.registry.ResourceRegistry;

import java.time.Instant;
import java.util.Map;

/**
 * A quota's status computed by the API server when the quota is created or its {@code spec.hard} changes, so that it
 * limits from its first write (upstream waits for the controller's first sync): {@code hard} is {@code spec.hard},
 * {@code used} what the namespace's objects in the watch caches use. Stateless and thread-safe.
 */
public final class QuotaStatus {
    private QuotaStatus() {
    }

    /**
     * Replaces the quota's {@code status} with its limits and the usage computed now from lists that have caught up
     * with the store; a quota being created ({@code creating}) counts itself in the quota counts.
     */
    public static void recompute(ObjectNode quota, ResourceRegistry registry, Instant now, boolean creating) {
        ObjectNode status = Json.object();
        JsonNode hard = quota.path("spec").path("hard");
        status.set("hard", hard.isObject() ? hard.deepCopy() : Json.object());
        Map<String, Amount> used = QuotaCalculator.calculate(quota, RegistryObjects.consistent(registry), now);
        if (creating) for (String self : new String[] {"resourcequotas", "count/resourcequotas"}) used.computeIfPresent(self, (k, v) -> v.plus(Amount.ONE));
        quota.set("status", status);
        QuotaLedger.writeUsed(quota, used);
    }
}
