package dev.beluga.controllers.deployment;

import dev.beluga.api.labels.LabelSelector;
import dev.beluga.controllers.runtime.Claims;
import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.EventRecorder;
import dev.beluga.controllers.runtime.Keys;
import dev.beluga.controllers.runtime.Owners;
import dev.beluga.controllers.runtime.PodStates;
import dev.beluga.controllers.runtime.Selectors;
import dev.beluga.controllers.runtime.TemplateHash;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Deployment controller (upstream {@code pkg/controller/deployment}): manages ReplicaSets named
 * {@code <deployment>-<pod-template-hash>} so that the pods follow the template.
 *
 * <p>A sync: find the ReplicaSets the Deployment controls and the new one (the one whose {@code pod-template-hash}
 * is the current template's); unless paused, create it (revision = highest + 1, or bump an old one's revision when
 * its template comes back — that is how {@code kubectl rollout undo} works) and roll: RollingUpdate grows the new
 * ReplicaSet as far as {@code maxSurge} allows and shrinks the old ones as far as {@code maxUnavailable} allows
 * (unhealthy old replicas first, then oldest ReplicaSets first); Recreate scales the old ones to 0, waits until their
 * pods are gone, then scales the new one up. A change of {@code replicas} with several active ReplicaSets is spread
 * over them in proportion. Old ReplicaSets beyond {@code revisionHistoryLimit} (default 10) are deleted once empty.
 * The status (replicas, updated, ready, available, unavailable, observedGeneration, collisionCount) and the
 * Available and Progressing conditions (with {@code progressDeadlineSeconds}) are what {@code kubectl rollout status}
 * reads; {@code ScalingReplicaSet} events are what {@code kubectl describe} shows.
 */
public final class DeploymentController implements Controller {
    static final String REVISION = "deployment.kubernetes.io/revision";
    static final String DESIRED = "deployment.kubernetes.io/desired-replicas";
    static final String MAX = "deployment.kubernetes.io/max-replicas";
    static final String HASH = "pod-template-hash";
    private ControllerContext ctx;
    private WorkQueue<String> queue;

    @Override
    public String name() {
        return "deployment-controller";
    }

    @Override
    public int workers() {
        return 5;
    }

    @Override
    public void register(ControllerContext ctx, WorkQueue<String> queue) {
        this.ctx = ctx;
        this.queue = queue;
        ctx.informers().informer(Deployment.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Deployment d) {
                queue.add(Keys.of(d));
            }

            @Override
            public void onUpdate(Deployment o, Deployment d) {
                queue.add(Keys.of(d));
            }

            @Override
            public void onDelete(Deployment d, boolean unknown) {
            }
        });
        ctx.informers().informer(ReplicaSet.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ReplicaSet rs) {
                enqueueOwner(rs);
            }

            @Override
            public void onUpdate(ReplicaSet o, ReplicaSet rs) {
                enqueueOwner(rs);
            }

            @Override
            public void onDelete(ReplicaSet rs, boolean unknown) {
                enqueueOwner(rs);
            }
        });
        ctx.informers().informer(Pod.class).addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
            }

            @Override
            public void onUpdate(Pod o, Pod p) {
            }

            @Override
            public void onDelete(Pod p, boolean unknown) {
                // Recreate waits for the old pods to be gone
                OwnerReference ref = Owners.controllerOf(p);
                if (ref == null || !"ReplicaSet".equals(ref.getKind())) return;
                ReplicaSet rs = ctx.informers().get(ReplicaSet.class, p.getMetadata().getNamespace(), ref.getName());
                if (rs != null) enqueueOwner(rs);
            }
        });
    }

    private void enqueueOwner(ReplicaSet rs) {
        OwnerReference ref = Owners.controllerOf(rs);
        if (ref != null && "Deployment".equals(ref.getKind())) queue.add(Keys.of(rs.getMetadata().getNamespace(), ref.getName()));
    }

    static long revision(ReplicaSet rs) {
        Map<String, String> a = rs.getMetadata().getAnnotations();
        try {
            return a == null || a.get(REVISION) == null ? 0 : Long.parseLong(a.get(REVISION));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int replicas(ReplicaSet rs) {
        return rs.getSpec().getReplicas() == null ? 0 : rs.getSpec().getReplicas();
    }

    private static int available(ReplicaSet rs) {
        return rs.getStatus() == null || rs.getStatus().getAvailableReplicas() == null ? 0 : rs.getStatus().getAvailableReplicas();
    }

    @Override
    public void reconcile(String key) {
        Deployment d = ctx.informers().get(Deployment.class, Keys.namespace(key), Keys.name(key));
        if (d == null || d.getMetadata().getDeletionTimestamp() != null) return;
        int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        LabelSelector selector = Selectors.of(d.getSpec().getSelector());
        if (selector.isEmpty()) return; // an empty selector would take every pod: upstream refuses to act too
        // orphan ReplicaSets matching the selector are adopted, owned ones that stopped matching released (as upstream)
        List<ReplicaSet> all = new ArrayList<>();
        for (ReplicaSet rs : Claims.claim(ctx.client(), ctx.informers().list(ReplicaSet.class, d.getMetadata().getNamespace()), d, selector, x -> true))
            if (rs.getMetadata().getDeletionTimestamp() == null) all.add(rs);
        int collisions = d.getStatus() == null || d.getStatus().getCollisionCount() == null ? 0 : d.getStatus().getCollisionCount();
        String hash = TemplateHash.of(d.getSpec().getTemplate(), collisions);
        // the new ReplicaSet is the one whose template equals the Deployment's, ignoring the hash label (upstream's
        // EqualIgnoreHash): after `kubectl rollout undo` copies an old template back, that old ReplicaSet is found
        // again even if its hash would come out differently
        ReplicaSet newRs = all.stream().filter(rs -> sameTemplate(rs, d)).findFirst()
            .orElse(all.stream().filter(rs -> hash.equals(label(rs, HASH))).findFirst().orElse(null));
        String newHash = newRs != null && label(newRs, HASH) != null ? label(newRs, HASH) : hash;
        List<ReplicaSet> old = new ArrayList<>(all);
        old.remove(newRs);
        old.sort(Comparator.comparing(DeploymentController::revision));
        boolean paused = Boolean.TRUE.equals(d.getSpec().getPaused());
        boolean recreate = d.getSpec().getStrategy() != null && "Recreate".equals(d.getSpec().getStrategy().getType());
        var rolling = d.getSpec().getStrategy() == null ? null : d.getSpec().getStrategy().getRollingUpdate();
        RolloutMath.Limits limits = recreate ? new RolloutMath.Limits(0, desired)
            : RolloutMath.resolve(rolling == null ? null : rolling.getMaxSurge(), rolling == null ? null : rolling.getMaxUnavailable(), desired);
        String progress = null;
        if (paused || (newRs != null && isScalingEvent(d, all, desired))) {
            progress = scaleProportionally(d, newRs, old, desired, limits);
        } else if (recreate) {
            progress = recreate(d, newRs, old, hash, desired, limits);
        } else {
            progress = rollingUpdate(d, newRs, old, hash, desired, limits);
        }
        cleanup(d, old);
        syncRevisionAnnotation(d, newHash);
        syncStatus(d, newHash, desired, limits, paused, progress);
    }

    /**
     * Keeps {@code deployment.kubernetes.io/revision} on the Deployment equal to its new ReplicaSet's revision, as
     * upstream does ({@code kubectl rollout history/undo} read and patch it).
     */
    private void syncRevisionAnnotation(Deployment d, String hash) {
        ReplicaSet current = null;
        for (ReplicaSet rs : ctx.informers().list(ReplicaSet.class, d.getMetadata().getNamespace()))
            if (Owners.isControlledBy(rs, d) && hash.equals(label(rs, HASH))) current = rs;
        if (current == null) return;
        String revision = Long.toString(revision(current));
        Map<String, String> a = d.getMetadata().getAnnotations();
        if (a != null && revision.equals(a.get(REVISION))) return;
        ctx.client().apps().deployments().resource(d)
            .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\"" + REVISION + "\":\"" + revision + "\"}}}");
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** Whether the ReplicaSet's pod template is the Deployment's, the {@code pod-template-hash} label aside. */
    static boolean sameTemplate(ReplicaSet rs, Deployment d) {
        var a = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.valueToTree(rs.getSpec().getTemplate());
        var b = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.valueToTree(d.getSpec().getTemplate());
        for (var t : List.of(a, b)) {
            var meta = t.path("metadata");
            if (meta instanceof com.fasterxml.jackson.databind.node.ObjectNode m) {
                // zero values are absent values (Go's DeepEqual of upstream sees no difference either)
                if (m.path("generation").asLong(0) == 0) m.remove("generation");
                if (m.path("creationTimestamp").isNull()) m.remove("creationTimestamp");
                if (m.path("labels") instanceof com.fasterxml.jackson.databind.node.ObjectNode l) {
                    l.remove(HASH);
                    if (l.isEmpty()) m.remove("labels");
                }
                if (m.isEmpty()) t.remove("metadata");
            }
        }
        return a.equals(b);
    }

    /** Whether {@code replicas} changed since the ReplicaSets were last sized (their desired-replicas annotation). */
    private static boolean isScalingEvent(Deployment d, List<ReplicaSet> all, int desired) {
        for (ReplicaSet rs : all) {
            if (replicas(rs) == 0) continue;
            String a = rs.getMetadata().getAnnotations() == null ? null : rs.getMetadata().getAnnotations().get(DESIRED);
            if (a != null && !a.equals(Integer.toString(desired))) return true;
        }
        return false;
    }

    private String scaleProportionally(Deployment d, ReplicaSet newRs, List<ReplicaSet> old, int desired, RolloutMath.Limits limits) {
        List<ReplicaSet> active = new ArrayList<>();
        if (newRs != null && replicas(newRs) > 0) active.add(newRs);
        for (ReplicaSet rs : old) if (replicas(rs) > 0) active.add(rs);
        if (active.isEmpty()) {
            if (newRs != null && replicas(newRs) != desired) scale(d, newRs, desired, limits);
            return null;
        }
        if (active.size() == 1) {
            ReplicaSet only = active.getFirst();
            if (only == newRs || Boolean.TRUE.equals(d.getSpec().getPaused())) {
                if (replicas(only) != desired) scale(d, only, desired, limits);
                else annotate(d, only, limits);
            }
            return null;
        }
        int allowed = desired + limits.maxSurge();
        int current = active.stream().mapToInt(DeploymentController::replicas).sum();
        int[] sizes = RolloutMath.proportional(active.stream().map(DeploymentController::replicas).toList(), allowed - current);
        for (int i = 0; i < active.size(); i++) {
            if (sizes[i] != replicas(active.get(i))) scale(d, active.get(i), sizes[i], limits);
            else annotate(d, active.get(i), limits);
        }
        return null;
    }

    private String rollingUpdate(Deployment d, ReplicaSet newRs, List<ReplicaSet> old, String hash, int desired, RolloutMath.Limits limits) {
        int allCurrent = old.stream().mapToInt(DeploymentController::replicas).sum() + (newRs == null ? 0 : replicas(newRs));
        String progress = null;
        int newSize;
        if (newRs == null) {
            newSize = RolloutMath.newReplicas(desired, 0, allCurrent, limits);
            newRs = createNewRs(d, hash, old, newSize, limits);
            if (newRs == null) return null;
            progress = "NewReplicaSetCreated:Created new replica set \"" + newRs.getMetadata().getName() + "\"";
            allCurrent += newSize;
        } else {
            bumpRevisionIfOld(d, newRs, old);
            newSize = RolloutMath.newReplicas(desired, replicas(newRs), allCurrent, limits);
            if (newSize != replicas(newRs)) {
                scale(d, newRs, newSize, limits);
                allCurrent += newSize - replicas(newRs);
                progress = "ReplicaSetUpdated:ReplicaSet \"" + newRs.getMetadata().getName() + "\" is progressing.";
            }
        }
        int budget = RolloutMath.maxScaleDown(desired, allCurrent, newSize, available(newRs), limits);
        // unhealthy old replicas first (they cost no availability), then the oldest ReplicaSets
        for (ReplicaSet rs : old) {
            if (budget <= 0) break;
            int unhealthy = replicas(rs) - available(rs);
            if (unhealthy <= 0) continue;
            int down = Math.min(unhealthy, budget);
            scale(d, rs, replicas(rs) - down, limits);
            budget -= down;
            progress = "ReplicaSetUpdated:ReplicaSet \"" + newRs.getMetadata().getName() + "\" is progressing.";
        }
        int minAvailable = desired - limits.maxUnavailable();
        int totalAvailable = available(newRs) + old.stream().mapToInt(DeploymentController::available).sum();
        int canGo = Math.min(budget, totalAvailable - minAvailable);
        for (ReplicaSet rs : old) {
            if (canGo <= 0) break;
            ReplicaSet fresh = ctx.informers().get(ReplicaSet.class, rs.getMetadata().getNamespace(), rs.getMetadata().getName());
            int current = fresh == null ? 0 : replicas(fresh);
            if (current == 0) continue;
            int down = Math.min(current, canGo);
            scale(d, fresh, current - down, limits);
            canGo -= down;
            progress = "ReplicaSetUpdated:ReplicaSet \"" + newRs.getMetadata().getName() + "\" is progressing.";
        }
        return progress;
    }

    private String recreate(Deployment d, ReplicaSet newRs, List<ReplicaSet> old, String hash, int desired, RolloutMath.Limits limits) {
        boolean oldScaled = false;
        for (ReplicaSet rs : old) {
            if (replicas(rs) > 0) {
                scale(d, rs, 0, limits);
                oldScaled = true;
            }
        }
        if (oldScaled) return "ReplicaSetUpdated:ReplicaSet is progressing.";
        for (Pod p : ctx.informers().list(Pod.class, d.getMetadata().getNamespace())) {
            if (!PodStates.isActive(p) && p.getMetadata().getDeletionTimestamp() == null) continue;
            for (ReplicaSet rs : old) if (Owners.isControlledBy(p, rs)) return null; // wait until the old pods are gone
        }
        if (newRs == null) {
            newRs = createNewRs(d, hash, old, desired, limits);
            return newRs == null ? null : "NewReplicaSetCreated:Created new replica set \"" + newRs.getMetadata().getName() + "\"";
        }
        bumpRevisionIfOld(d, newRs, old);
        if (replicas(newRs) != desired) {
            scale(d, newRs, desired, limits);
            return "ReplicaSetUpdated:ReplicaSet \"" + newRs.getMetadata().getName() + "\" is progressing.";
        }
        return null;
    }

    private ReplicaSet createNewRs(Deployment d, String hash, List<ReplicaSet> old, int size, RolloutMath.Limits limits) {
        long revision = old.stream().mapToLong(DeploymentController::revision).max().orElse(0) + 1;
        PodTemplateSpec template = new PodTemplateSpecBuilder(d.getSpec().getTemplate()).editOrNewMetadata().addToLabels(HASH, hash)
            .withGeneration(null).withCreationTimestamp(null).endMetadata().build();
        var selector = new io.fabric8.kubernetes.api.model.LabelSelectorBuilder(d.getSpec().getSelector()).addToMatchLabels(HASH, hash).build();
        Map<String, String> labels = new HashMap<>(template.getMetadata().getLabels());
        int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        ReplicaSet rs = new ReplicaSetBuilder().withNewMetadata().withName(d.getMetadata().getName() + "-" + hash)
            .withNamespace(d.getMetadata().getNamespace()).withLabels(labels)
            .addToAnnotations(REVISION, Long.toString(revision)).addToAnnotations(DESIRED, Integer.toString(desired))
            .addToAnnotations(MAX, Integer.toString(desired + limits.maxSurge()))
            .withOwnerReferences(Owners.controllerRef(d)).endMetadata()
            .withNewSpec().withReplicas(size).withMinReadySeconds(d.getSpec().getMinReadySeconds()).withSelector(selector)
            .withTemplate(template).endSpec().build();
        try {
            ReplicaSet created = ctx.client().apps().replicaSets().inNamespace(d.getMetadata().getNamespace()).resource(rs).create();
            if (size > 0) event(d, "Scaled up replica set " + created.getMetadata().getName() + " from 0 to " + size);
            return created;
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) throw e;
            ReplicaSet existing = ctx.client().apps().replicaSets().inNamespace(d.getMetadata().getNamespace()).withName(rs.getMetadata().getName()).get();
            if (existing != null && !Owners.isControlledBy(existing, d)) {
                // a ReplicaSet of that name belongs to something else: a hash collision, as upstream counts it
                ctx.client().apps().deployments().inNamespace(d.getMetadata().getNamespace()).withName(d.getMetadata().getName())
                    .editStatus(x -> {
                        if (x.getStatus() == null) x.setStatus(new DeploymentStatus());
                        x.getStatus().setCollisionCount((x.getStatus().getCollisionCount() == null ? 0 : x.getStatus().getCollisionCount()) + 1);
                        return x;
                    });
            }
            return null; // the cache will show it; the next sync continues
        }
    }

    /** A template that comes back (rollback) makes its ReplicaSet the newest revision again. */
    private void bumpRevisionIfOld(Deployment d, ReplicaSet newRs, List<ReplicaSet> old) {
        long max = old.stream().mapToLong(DeploymentController::revision).max().orElse(0);
        if (revision(newRs) > max) return;
        ctx.client().apps().replicaSets().inNamespace(newRs.getMetadata().getNamespace()).withName(newRs.getMetadata().getName())
            .edit(rs -> {
                rs.getMetadata().getAnnotations().put(REVISION, Long.toString(max + 1));
                return rs;
            });
    }

    private void scale(Deployment d, ReplicaSet rs, int size, RolloutMath.Limits limits) {
        int from = replicas(rs);
        int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        ctx.client().apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).withName(rs.getMetadata().getName()).edit(x -> {
            x.getSpec().setReplicas(size);
            if (x.getMetadata().getAnnotations() == null) x.getMetadata().setAnnotations(new HashMap<>());
            x.getMetadata().getAnnotations().put(DESIRED, Integer.toString(desired));
            x.getMetadata().getAnnotations().put(MAX, Integer.toString(desired + limits.maxSurge()));
            return x;
        });
        if (from != size) event(d, "Scaled " + (size > from ? "up" : "down") + " replica set " + rs.getMetadata().getName() + " from " + from + " to " + size);
    }

    private void annotate(Deployment d, ReplicaSet rs, RolloutMath.Limits limits) {
        int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        Map<String, String> a = rs.getMetadata().getAnnotations();
        if (a != null && Integer.toString(desired).equals(a.get(DESIRED))) return;
        scale(d, rs, replicas(rs), limits);
    }

    private void event(Deployment d, String message) {
        ctx.events().event(d, name(), EventRecorder.NORMAL, "ScalingReplicaSet", message);
    }

    private void cleanup(Deployment d, List<ReplicaSet> old) {
        int limit = d.getSpec().getRevisionHistoryLimit() == null ? 10 : d.getSpec().getRevisionHistoryLimit();
        List<ReplicaSet> empty = new ArrayList<>();
        for (ReplicaSet rs : old)
            if (replicas(rs) == 0 && (rs.getStatus() == null || rs.getStatus().getReplicas() == null || rs.getStatus().getReplicas() == 0)) empty.add(rs);
        for (int i = 0; i < empty.size() - limit; i++) {
            try {
                ctx.client().apps().replicaSets().inNamespace(d.getMetadata().getNamespace()).withName(empty.get(i).getMetadata().getName()).delete();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) throw e;
            }
        }
    }

    private static String label(ReplicaSet rs, String key) {
        return rs.getMetadata().getLabels() == null ? null : rs.getMetadata().getLabels().get(key);
    }

    private void syncStatus(Deployment d, String hash, int desired, RolloutMath.Limits limits, boolean paused, String progress) {
        int replicas = 0;
        int specReplicas = 0;
        int updated = 0;
        int ready = 0;
        int available = 0;
        String newName = null;
        for (ReplicaSet rs : ctx.informers().list(ReplicaSet.class, d.getMetadata().getNamespace())) {
            if (!Owners.isControlledBy(rs, d)) continue;
            specReplicas += replicas(rs);
            if (rs.getStatus() == null) continue;
            var s = rs.getStatus();
            int r = s.getReplicas() == null ? 0 : s.getReplicas();
            replicas += r;
            ready += s.getReadyReplicas() == null ? 0 : s.getReadyReplicas();
            available += s.getAvailableReplicas() == null ? 0 : s.getAvailableReplicas();
            if (hash.equals(label(rs, HASH))) {
                updated += r;
                newName = rs.getMetadata().getName();
            }
        }
        Instant now = ctx.clock().instant();
        String ts = now.truncatedTo(ChronoUnit.SECONDS).toString();
        DeploymentStatus old = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
        List<DeploymentCondition> conditions = new ArrayList<>(old.getConditions() == null ? List.of() : old.getConditions());
        boolean minimumAvailable = available >= desired - limits.maxUnavailable();
        setCondition(conditions, "Available", minimumAvailable ? "True" : "False",
            minimumAvailable ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
            minimumAvailable ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", ts, false);
        boolean complete = updated == desired && replicas == desired && available == desired;
        DeploymentCondition progressing = conditions.stream().filter(c -> "Progressing".equals(c.getType())).findFirst().orElse(null);
        Integer deadline = d.getSpec().getProgressDeadlineSeconds();
        if (paused) {
            setCondition(conditions, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", ts, true);
        } else if (progressing != null && "DeploymentPaused".equals(progressing.getReason())) {
            setCondition(conditions, "Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed", ts, true);
        } else if (complete && newName != null) {
            setCondition(conditions, "Progressing", "True", "NewReplicaSetAvailable",
                "ReplicaSet \"" + newName + "\" has successfully progressed.", ts, false);
        } else if (progress != null) {
            String[] p = progress.split(":", 2);
            setCondition(conditions, "Progressing", "True", p[0], p[1], ts, true);
        } else if (progressing == null) {
            setCondition(conditions, "Progressing", "True", "FoundNewReplicaSet",
                "Found new replica set \"" + (newName == null ? d.getMetadata().getName() : newName) + "\"", ts, true);
        } else if (deadline != null && !"ProgressDeadlineExceeded".equals(progressing.getReason()) && progressing.getLastUpdateTime() != null
            && Instant.parse(progressing.getLastUpdateTime()).plusSeconds(deadline).isBefore(now)) {
            setCondition(conditions, "Progressing", "False", "ProgressDeadlineExceeded",
                "ReplicaSet \"" + newName + "\" has timed out progressing.", ts, true);
        }
        DeploymentStatus next = new DeploymentStatusBuilder(old).withReplicas(replicas).withUpdatedReplicas(updated)
            .withReadyReplicas(ready).withAvailableReplicas(available)
            .withUnavailableReplicas(specReplicas - available > 0 ? specReplicas - available : null)
            .withObservedGeneration(d.getMetadata().getGeneration()).withConditions(conditions).build();
        if (!next.equals(old)) {
            Deployment copy = new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder(d).withStatus(next).build();
            ctx.client().apps().deployments().inNamespace(d.getMetadata().getNamespace()).resource(copy).updateStatus();
        }
        if (!complete && !paused && deadline != null) queue.addAfter(Keys.of(d), Duration.ofSeconds(Math.min(deadline, 10)));
    }

    /**
     * Sets a condition; the transition time changes only when the status does; the update time when asked (a new
     * progress report) or when the status changes.
     */
    private static void setCondition(List<DeploymentCondition> conditions, String type, String status, String reason, String message,
                                     String now, boolean touch) {
        DeploymentCondition existing = conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
        if (existing != null && status.equals(existing.getStatus()) && reason.equals(existing.getReason())
            && Objects.equals(message, existing.getMessage())) return;
        boolean statusChanged = existing == null || !status.equals(existing.getStatus());
        DeploymentCondition c = new DeploymentConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
            .withLastUpdateTime(touch || statusChanged || existing.getLastUpdateTime() == null ? now : existing.getLastUpdateTime())
            .withLastTransitionTime(statusChanged || existing.getLastTransitionTime() == null ? now : existing.getLastTransitionTime()).build();
        if (existing != null) conditions.set(conditions.indexOf(existing), c);
        else conditions.add(c);
    }
}
