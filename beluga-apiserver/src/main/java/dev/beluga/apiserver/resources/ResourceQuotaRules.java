package dev.beluga.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.api.quota.Amount;
import dev.beluga.apiserver.quota.QuotaStatus;
import dev.beluga.apiserver.registry.FieldErrors;
import dev.beluga.apiserver.registry.ResourceRegistry;
import dev.beluga.apiserver.registry.Strategy;

import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * ResourceQuotas: a created quota, or one whose {@code spec.hard} changes, gets its status computed at once
 * ({@link QuotaStatus}); validation as upstream's {@code ValidateResourceQuota} for what Beluga enforces: quantities
 * valid and not negative, known scopes and scope operators. Thread-safe.
 */
final class ResourceQuotaRules extends DelegatingStrategy {
    private static final List<String> SCOPES = List.of("Terminating", "NotTerminating", "BestEffort", "NotBestEffort",
        "PriorityClass", "CrossNamespacePodAffinity");
    private static final List<String> OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist");

    private final ResourceRegistry registry;
    private final Clock clock;

    ResourceQuotaRules(Strategy inner, ResourceRegistry registry, Clock clock) {
        super(inner);
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    public void prepareForCreate(ObjectNode quota) {
        super.prepareForCreate(quota);
        QuotaStatus.recompute(quota, registry, clock.instant());
    }

    @Override
    public void prepareForUpdate(ObjectNode quota, ObjectNode old) {
        super.prepareForUpdate(quota, old);
        if (!quota.path("spec").path("hard").equals(old.path("status").path("hard"))
            || !quota.path("spec").path("scopes").equals(old.path("spec").path("scopes"))
            || !quota.path("spec").path("scopeSelector").equals(old.path("spec").path("scopeSelector")))
            QuotaStatus.recompute(quota, registry, clock.instant());
    }

    @Override
    public void validate(ObjectNode quota, FieldErrors errors) {
        super.validate(quota, errors);
        JsonNode spec = quota.path("spec");
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.path("hard").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Amount a = Amount.parseOrNull(e.getValue().asText(null));
            String path = "spec.hard[" + e.getKey() + "]";
            if (a == null) errors.invalid(path, e.getValue().asText(),
                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
            else if (a.value().signum() < 0) errors.invalid(path, e.getValue().asText(), "must be greater than or equal to 0");
        }
        JsonNode scopes = spec.path("scopes");
        for (int i = 0; i < scopes.size(); i++)
            if (!SCOPES.contains(scopes.get(i).asText())) errors.notSupported("spec.scopes[" + i + "]", scopes.get(i).asText(), SCOPES);
        JsonNode expressions = spec.path("scopeSelector").path("matchExpressions");
        for (int i = 0; i < expressions.size(); i++) {
            JsonNode e = expressions.get(i);
            String path = "spec.scopeSelector.matchExpressions[" + i + "]";
            if (!SCOPES.contains(e.path("scopeName").asText())) errors.notSupported(path + ".scopeName", e.path("scopeName").asText(), SCOPES);
            String op = e.path("operator").asText();
            if (!OPERATORS.contains(op)) errors.notSupported(path + ".operator", op, OPERATORS);
            else if ((op.equals("In") || op.equals("NotIn")) && e.path("values").isEmpty())
                errors.required(path + ".values", "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector");
            else if ((op.equals("Exists") || op.equals("DoesNotExist")) && !e.path("values").isEmpty())
                errors.invalid(path + ".values", e.path("values").toString(), "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector");
        }
    }
}
