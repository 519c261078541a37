package dev.beluga.apiserver.quota;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.registry.WriteHooks;

/**
 * The quota check as a resource's write hook: creates and updates of its objects are charged to their namespace's
 * quotas by the shared {@link QuotaLedger} before they are stored, around the resource's own hooks (which run
 * first: a Service's node ports are allocated before its quota is charged). Thread-safe.
 */
public final class QuotaAdmission implements WriteHooks {
    private final String group;
    private final String plural;
    private final QuotaLedger ledger;
    private final WriteHooks inner;

    public QuotaAdmission(String group, String plural, QuotaLedger ledger, WriteHooks inner) {
        this.group = group;
        this.plural = plural;
        this.ledger = ledger;
        this.inner = inner;
    }

    @Override
    public Completion beforeCreate(ObjectNode obj, boolean dryRun) {
        Completion own = inner.beforeCreate(obj, dryRun);
        return both(own, () -> ledger.charge(group, plural, obj, null, dryRun));
    }

    @Override
    public Completion beforeUpdate(ObjectNode obj, ObjectNode old, boolean dryRun) {
        Completion own = inner.beforeUpdate(obj, old, dryRun);
        return both(own, () -> ledger.charge(group, plural, obj, old, dryRun));
    }

    @Override
    public void afterDelete(ObjectNode obj) {
        inner.afterDelete(obj);
    }

    /** Runs the charge after the inner hook; if the charge refuses, the inner hook is told the write did not happen. */
    private static Completion both(Completion own, java.util.function.Supplier<Completion> charge) {
        Completion quota;
        try {
            quota = charge.get();
        } catch (RuntimeException e) {
            own.finish(Outcome.NOT_STORED);
            throw e;
        }
        return outcome -> {
            try {
                quota.finish(outcome);
            } finally {
                own.finish(outcome);
            }
        };
    }
}
