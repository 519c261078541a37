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
 * ({@link QuotaStatus}); validation as upstream's {@code ValidateResourceQuota}: standard (or qualified) resource
 * names, quantities valid, not negative and whole for counts, known scopes without conflicts (BestEffort limits pods
 * only), scope selector operators. Thread-safe.
 */
final class ResourceQuotaRules extends DelegatingStrategy {
    private static final List<String> SCOPES = List.of("Terminating", "NotTerminating", "BestEffort", "NotBestEffort",
        "PriorityClass", "CrossNamespacePodAffinity");
    private static final List<String> OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist");
    private static final java.util.Set<String> STANDARD = java.util.Set.of("cpu", "memory", "ephemeral-storage",
        "requests.cpu", "requests.memory", "requests.storage", "requests.ephemeral-storage", "limits.cpu", "limits.memory",
        "limits.ephemeral-storage", "pods", "services", "replicationcontrollers", "resourcequotas", "secrets",
        "persistentvolumeclaims", "configmaps", "services.nodeports", "services.loadbalancers");
    private static final java.util.Set<String> COUNTS = java.util.Set.of("pods", "services", "replicationcontrollers",
        "resourcequotas", "secrets", "configmaps", "persistentvolumeclaims", "services.nodeports", "services.loadbalancers");
    private static final java.util.Set<String> EXISTS_ONLY = java.util.Set.of("Terminating", "NotTerminating", "BestEffort", "NotBestEffort");

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
        QuotaStatus.recompute(quota, registry, clock.instant(), true);
    }

    @Override
    public void prepareForUpdate(ObjectNode quota, ObjectNode old) {
        super.prepareForUpdate(quota, old);
        if (!quota.path("spec").path("hard").equals(old.path("status").path("hard"))
            || !quota.path("spec").path("scopes").equals(old.path("spec").path("scopes"))
            || !quota.path("spec").path("scopeSelector").equals(old.path("spec").path("scopeSelector")))
            QuotaStatus.recompute(quota, registry, clock.instant(), false);
    }

    @Override
    public void validate(ObjectNode quota, FieldErrors errors) {
        super.validate(quota, errors);
        JsonNode spec = quota.path("spec");
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.path("hard").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Amount a = Amount.parseOrNull(e.getValue().asText(null));
            String path = "spec.hard[" + e.getKey() + "]";
            String name = e.getKey();
            if (!name.contains("/") && !STANDARD.contains(name) && !name.startsWith("hugepages-") && !name.startsWith("requests.hugepages-"))
                errors.invalid(path, name, "must be a standard resource for quota");
            if (a == null) errors.invalid(path, e.getValue().asText(),
                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
            else if (a.value().signum() < 0) errors.invalid(path, e.getValue().asText(), "must be greater than or equal to 0");
            else if ((COUNTS.contains(name) || name.startsWith("count/")) && a.value().stripTrailingZeros().scale() > 0)
                errors.invalid(path, e.getValue().asText(), "must be an integer");
        }
        JsonNode scopes = spec.path("scopes");
        java.util.Set<String> named = new java.util.HashSet<>();
        for (int i = 0; i < scopes.size(); i++) {
            named.add(scopes.get(i).asText());
            if (!SCOPES.contains(scopes.get(i).asText())) errors.notSupported("spec.scopes[" + i + "]", scopes.get(i).asText(), SCOPES);
        }
        for (JsonNode e : spec.path("scopeSelector").path("matchExpressions")) named.add(e.path("scopeName").asText());
        if ((named.contains("Terminating") && named.contains("NotTerminating")) || (named.contains("BestEffort") && named.contains("NotBestEffort")))
            errors.invalid("spec.scopes", scopes.toString(), "conflicting scopes");
        if (named.contains("BestEffort")) {
            for (java.util.Iterator<String> it = spec.path("hard").fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!name.equals("pods") && !name.equals("count/pods"))
                    errors.invalid("spec.hard[" + name + "]", name, "unsupported scope applied to resource");
            }
        }
        JsonNode expressions = spec.path("scopeSelector").path("matchExpressions");
        for (int i = 0; i < expressions.size(); i++) {
            JsonNode e = expressions.get(i);
            String path = "spec.scopeSelector.matchExpressions[" + i + "]";
            if (!SCOPES.contains(e.path("scopeName").asText())) errors.notSupported(path + ".scopeName", e.path("scopeName").asText(), SCOPES);
            String op = e.path("operator").asText();
            if (!OPERATORS.contains(op)) errors.notSupported(path + ".operator", op, OPERATORS);
            else if (EXISTS_ONLY.contains(e.path("scopeName").asText()) && !op.equals("Exists"))
                errors.invalid(path + ".operator", op, "must be 'Exist' when scope is any of ResourceQuotaScopeTerminating, "
                    + "ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort or ResourceQuotaScopeNotBestEffort");
            else if ((op.equals("In") || op.equals("NotIn")) && e.path("values").isEmpty())
                errors.required(path + ".values", "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector");
            else if ((op.equals("Exists") || op.equals("DoesNotExist")) && !e.path("values").isEmpty())
                errors.invalid(path + ".values", e.path("values").toString(), "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector");
        }
    }
}
