package dev.beluga.apiserver.authz.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.registry.RegistryStore;
import dev.beluga.apiserver.registry.WriteOptions;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Puts the {@link BootstrapPolicy} in place at API server start (upstream's RBAC post-start hook): a missing role or
 * binding is created; an existing one whose {@value BootstrapPolicy#AUTOUPDATE} annotation is not {@code "false"} gets
 * what it lacks — labels and annotations, the rules (as upstream, the missing pieces of the expected rules, see
 * {@link Coverage}) or aggregation selectors, and subjects — and keeps everything users added. Nothing is removed.
 * Idempotent; safe to run on several API servers at once (conflicts are retried, creates that raced are ignored).
 */
public final class PolicyReconciler {
    private static final WriteOptions WRITE = WriteOptions.serverBuilt("beluga-apiserver");

    private PolicyReconciler() {
    }

    /**
     * Reconciles every bootstrap role and binding, all at once (one virtual thread each: the objects are independent,
     * and the store commits concurrent writes together, so a first start writes ~80 objects in a few commits instead
     * of one commit each). Returns when all are done; the first failure is thrown.
     */
    public static void reconcile(RegistryStore clusterRoles, RegistryStore clusterRoleBindings) {
        List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
        try (var workers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (ObjectNode role : BootstrapPolicy.clusterRoles())
                done.add(workers.submit(() -> ensure(clusterRoles, role, PolicyReconciler::mergeRole)));
            for (ObjectNode binding : BootstrapPolicy.clusterRoleBindings())
                done.add(workers.submit(() -> ensure(clusterRoleBindings, binding, PolicyReconciler::mergeBinding)));
        }
        for (var f : done) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reconciling the bootstrap policy", e);
            }
        }
    }

    private interface Merge {
        /** Adds to {@code current} what {@code expected} has and it lacks; returns whether anything changed. */
        boolean merge(ObjectNode current, ObjectNode expected);
    }

    private static void ensure(RegistryStore store, ObjectNode expected, Merge merge) {
        String name = expected.path("metadata").path("name").asText();
        try {
            ObjectNode current = store.get(null, name, null);
            if ("false".equals(current.path("metadata").path("annotations").path(BootstrapPolicy.AUTOUPDATE).asText())) return;
            if (!merge.merge(current.deepCopy(), expected)) return;
            UnaryOperator<ObjectNode> change = c -> {
                merge.merge(c, expected);
                return c;
            };
            store.update(null, name, change, WRITE);
        } catch (StatusException e) {
            if (e.code() != 404) throw e;
            try {
                store.create(null, expected.deepCopy(), WRITE);
            } catch (StatusException raced) {
                if (raced.code() != 409) throw raced;
            }
        }
    }

    static boolean mergeRole(ObjectNode current, ObjectNode expected) {
        boolean changed = mergeMetadata(current, expected);
        if (expected.has("aggregationRule")) {
            ArrayNode selectors = Json.with(current, "aggregationRule").withArray("clusterRoleSelectors");
            for (JsonNode s : expected.path("aggregationRule").path("clusterRoleSelectors")) {
                if (!contains(selectors, s)) {
                    selectors.add(s);
                    changed = true;
                }
            }
            return changed;
        }
        List<PolicyRule> missing = Coverage.uncovered(PolicyRule.listFrom(current.get("rules")), PolicyRule.listFrom(expected.get("rules")));
        if (missing.isEmpty()) return changed;
        ArrayNode rules = current.withArray("rules");
        missing.forEach(r -> rules.add(r.toJson()));
        return true;
    }

    static boolean mergeBinding(ObjectNode current, ObjectNode expected) {
        boolean changed = mergeMetadata(current, expected);
        ArrayNode subjects = current.withArray("subjects");
        for (JsonNode s : expected.path("subjects")) {
            boolean present = false;
            for (JsonNode c : subjects) {
                present |= c.path("kind").asText().equals(s.path("kind").asText()) && c.path("name").asText().equals(s.path("name").asText())
                    && c.path("namespace").asText("").equals(s.path("namespace").asText(""));
            }
            if (!present) {
                subjects.add(s);
                changed = true;
            }
        }
        if (subjects.isEmpty()) current.remove("subjects");
        return changed;
    }

    private static boolean mergeMetadata(ObjectNode current, ObjectNode expected) {
        boolean changed = false;
        for (String field : List.of("labels", "annotations")) {
            ObjectNode have = Json.with(Json.with(current, "metadata"), field);
            for (var it = expected.path("metadata").path(field).fields(); it.hasNext(); ) {
                var e = it.next();
                if (!have.has(e.getKey())) {
                    have.set(e.getKey(), e.getValue());
                    changed = true;
                }
            }
        }
        return changed;
    }

    private static boolean contains(ArrayNode array, JsonNode value) {
        for (JsonNode n : array) if (n.equals(value)) return true;
        return false;
    }
}
