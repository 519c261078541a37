package dev.beluga.apiserver.authz.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.api.labels.InvalidSelectorException;
import dev.beluga.api.labels.LabelSelector;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.registry.LocalInformer;
import dev.beluga.apiserver.registry.RegistryStore;
import dev.beluga.apiserver.registry.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;

/**
 * Fills the rules of ClusterRoles that have an {@code aggregationRule} (upstream's clusterrole-aggregation controller):
 * the rules of every other ClusterRole whose labels match one of its {@code clusterRoleSelectors}, in the order of
 * the roles' names, each distinct rule once. Level-triggered: any ClusterRole change recomputes every aggregated role;
 * a role whose rules are already right is not written.
 *
 * <p>Runs inside the API server (upstream runs it in kube-controller-manager) so that {@code admin}, {@code edit} and
 * {@code view} are filled even when the controllers are disabled; it writes through the generic store as the server
 * itself. Threading: one virtual thread reconciles; informer events only wake it.
 */
public final class ClusterRoleAggregator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterRoleAggregator.class);
    private static final WriteOptions WRITE = WriteOptions.serverBuilt("clusterrole-aggregation-controller");

    private final RegistryStore clusterRoles;
    private final Map<String, ObjectNode> roles = new HashMap<>();
    private final Semaphore dirty = new Semaphore(0);
    private LocalInformer informer;
    private Thread worker;
    private volatile boolean closed;

    public ClusterRoleAggregator(RegistryStore clusterRoles) {
        this.clusterRoles = clusterRoles;
    }

    /** Loads the ClusterRoles, aggregates once (before returning), then follows changes. */
    public ClusterRoleAggregator start() {
        informer = new LocalInformer(clusterRoles.cache(), new LocalInformer.Handler() {
            @Override
            public void reset() {
                synchronized (roles) {
                    roles.clear();
                }
            }

            @Override
            public void upsert(ObjectNode obj) {
                synchronized (roles) {
                    roles.put(obj.path("metadata").path("name").asText(), obj);
                }
                dirty.release();
            }

            @Override
            public void delete(ObjectNode obj) {
                synchronized (roles) {
                    roles.remove(obj.path("metadata").path("name").asText());
                }
                dirty.release();
            }
        }).start();
        reconcileAll();
        dirty.drainPermits();
        worker = Thread.ofVirtual().name("clusterrole-aggregation").start(this::run);
        return this;
    }

    private void run() {
        while (!closed) {
            try {
                dirty.acquire();
                dirty.drainPermits();
                reconcileAll();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("aggregating cluster roles: {}", e.toString());
            }
        }
    }

    /**
     * Recomputes every aggregated ClusterRole now, repeating while a pass changed something (a role aggregating an
     * aggregated role, as admin aggregates edit, sees the other's new rules in the next pass; at most 8 passes).
     */
    public void reconcileAll() {
        Map<String, ObjectNode> snapshot;
        synchronized (roles) {
            snapshot = new TreeMap<>(roles);
        }
        for (int pass = 0; pass < 8; pass++) {
            boolean changed = false;
            for (ObjectNode role : List.copyOf(snapshot.values())) {
                if (!role.path("aggregationRule").isObject()) continue;
                ArrayNode wanted = aggregate(role, snapshot);
                if (wanted.equals(role.path("rules"))) continue;
                String name = role.path("metadata").path("name").asText();
                try {
                    ObjectNode written = clusterRoles.update(null, name, current -> {
                        current.set("rules", wanted);
                        return current;
                    }, WRITE);
                    snapshot.put(name, written);
                    changed = true;
                } catch (StatusException e) {
                    if (e.code() != 404) log.warn("aggregating cluster role {}: {}", name, e.getMessage());
                }
            }
            if (!changed) return;
        }
    }

    /** The rules {@code role} aggregates from {@code all} (sorted by name). */
    static ArrayNode aggregate(ObjectNode role, Map<String, ObjectNode> all) {
        List<LabelSelector> selectors = new ArrayList<>();
        for (JsonNode s : role.path("aggregationRule").path("clusterRoleSelectors")) {
            try {
                selectors.add(LabelSelector.fromJson(s));
            } catch (InvalidSelectorException e) {
                // validation should have refused it; such a selector selects nothing
            }
        }
        String self = role.path("metadata").path("name").asText();
        Set<JsonNode> rules = new LinkedHashSet<>();
        for (ObjectNode other : all.values()) {
            String name = other.path("metadata").path("name").asText();
            if (name.equals(self)) continue;
            Map<String, String> labels = new HashMap<>();
            other.path("metadata").path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            if (selectors.stream().noneMatch(s -> !s.isEmpty() && s.matches(labels))) continue;
            for (JsonNode r : other.path("rules")) rules.add(r);
        }
        ArrayNode out = Json.array();
        rules.forEach(out::add);
        return out;
    }

    @Override
    public void close() {
        closed = true;
        if (informer != null) informer.close();
        if (worker != null) worker.interrupt();
    }
}
