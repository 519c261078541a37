package dev.beluga.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.resources.BuiltinResources;
import dev.beluga.store.embedded.EmbeddedStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The generic registry store's semantics over a real embedded store (no HTTP). */
class RegistryStoreTest {
    @TempDir
    Path dir;
    private EmbeddedStore store;
    private ResourceRegistry registry;
    private RegistryStore pods;
    private RegistryStore configmaps;
    private RegistryStore deployments;
    private RegistryStore namespaces;

    @BeforeEach
    void setUp() {
        store = EmbeddedStore.open(dir);
        registry = new ResourceRegistry(store, Clock.systemUTC());
        BuiltinResources.register(registry);
        registry.start();
        pods = registry.get("", "v1", "pods");
        configmaps = registry.get("", "v1", "configmaps");
        deployments = registry.get("apps", "v1", "deployments");
        namespaces = registry.get("", "v1", "namespaces");
        namespaces.create(null, obj("{\"metadata\":{\"name\":\"default\"}}"), WriteOptions.defaults());
    }

    @AfterEach
    void tearDown() {
        for (RegistryStore s : registry.stores()) s.cache().close();
        store.close();
    }

    private static ObjectNode obj(String json) {
        return Json.parseObject(json.getBytes());
    }

    private static ObjectNode cm(String name, String value) {
        return obj("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":{\"app\":\"x\"}},\"data\":{\"k\":\"" + value + "\"}}");
    }

    @Test
    void createSetsServerFieldsAndGetReturnsTheObject() {
        ObjectNode created = configmaps.create("default", cm("a", "1"), WriteOptions.defaults());
        assertThat(created.path("metadata").path("uid").asText()).hasSize(36);
        assertThat(created.path("metadata").path("creationTimestamp").asText()).endsWith("Z");
        assertThat(created.path("metadata").path("resourceVersion").asLong()).isPositive();
        assertThat(created.path("metadata").path("namespace").asText()).isEqualTo("default");
        ObjectNode got = configmaps.get("default", "a", null);
        assertThat(got.path("data").path("k").asText()).isEqualTo("1");
        assertThat(got.path("metadata").path("resourceVersion")).isEqualTo(created.path("metadata").path("resourceVersion"));
    }

    @Test
    void unknownFieldsAreDroppedUnlessTheServerBuiltTheObject() {
        ObjectNode client = cm("client", "1");
        client.put("bogus", "x");
        assertThat(configmaps.create("default", client, WriteOptions.defaults()).has("bogus")).isFalse();
        ObjectNode server = cm("server", "1");
        server.put("bogus", "x"); // would never be in a server-built object: shows that the search is skipped
        assertThat(WriteOptions.serverBuilt("beluga-apiserver").fieldManager()).isEqualTo("beluga-apiserver");
        assertThat(configmaps.create("default", server, WriteOptions.serverBuilt("beluga-apiserver")).has("bogus")).isTrue();
        assertThat(WriteOptions.defaults().withUser(null).serverBuilt()).isFalse();
    }

    @Test
    void writesAnswerWithTheStoredJsonAndTheirResourceVersion() {
        RegistryStore.Written created = configmaps.createWritten("default", cm("a", "1"), WriteOptions.defaults());
        assertThat(Json.parseObject(created.json())).isEqualTo(created.object());
        assertThat(created.object()).isEqualTo(configmaps.get("default", "a", null));

        RegistryStore.Written updated = configmaps.updateWritten("default", "a", live -> {
            ((ObjectNode) live.get("data")).put("k", "2");
            return live;
        }, WriteOptions.defaults());
        assertThat(Json.parseObject(updated.json())).isEqualTo(updated.object()).isEqualTo(configmaps.get("default", "a", null));
        assertThat(updated.object().path("metadata").path("resourceVersion").asLong())
            .isGreaterThan(created.object().path("metadata").path("resourceVersion").asLong());

        RegistryStore.Written same = configmaps.updateWritten("default", "a", live -> live, WriteOptions.defaults());
        assertThat(same.json()).as("a no-op writes nothing: the caller serializes the object").isNull();
        assertThat(same.object()).isEqualTo(updated.object());
        assertThat(configmaps.createWritten("default", cm("b", "1"), new WriteOptions(true, null, null, null)).json()).isNull();
    }

    @Test
    void anUpdateWithoutManagedFieldsKeepsTheLiveOnesAndOneEmptyEntryClearsThem() {
        configmaps.create("default", cm("a", "1"), new WriteOptions(false, "creator", null, null));
        ObjectNode edited = configmaps.get("default", "a", null);
        ((ObjectNode) edited.get("metadata")).remove("managedFields");
        ((ObjectNode) edited.get("data")).put("k", "2");
        ObjectNode updated = configmaps.update("default", "a", edited, new WriteOptions(false, "editor", null, null));
        assertThat(updated.path("metadata").path("managedFields").findValuesAsText("manager")).containsExactlyInAnyOrder("creator", "editor");

        ObjectNode cleared = configmaps.get("default", "a", null);
        ((ObjectNode) cleared.get("metadata")).set("managedFields", obj("{\"x\":[{}]}").get("x"));
        ((ObjectNode) cleared.get("data")).put("k", "3");
        updated = configmaps.update("default", "a", cleared, new WriteOptions(false, "editor", null, null));
        assertThat(updated.path("metadata").path("managedFields").findValuesAsText("manager")).containsExactly("editor");
    }

    @Test
    void duplicateCreateIsAlreadyExistsAndMissingNamespaceIsNotFound() {
        configmaps.create("default", cm("a", "1"), WriteOptions.defaults());
        assertThatThrownBy(() -> configmaps.create("default", cm("a", "2"), WriteOptions.defaults()))
            .isInstanceOfSatisfying(StatusException.class, e -> {
                assertThat(e.code()).isEqualTo(409);
                assertThat(e.reason()).isEqualTo("AlreadyExists");
                assertThat(e.getMessage()).isEqualTo("configmaps \"a\" already exists");
            });
        assertThatThrownBy(() -> configmaps.create("nope", cm("b", "1"), WriteOptions.defaults()))
            .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(404));
    }

    @Test
    void updateWithStaleResourceVersionConflictsAndChangesNothing() {
        ObjectNode created = configmaps.create("default", cm("a", "1"), WriteOptions.defaults());
        ObjectNode first = created.deepCopy();
        first.with("data").put("k", "2");
        ObjectNode updated = configmaps.update("default", "a", first, WriteOptions.defaults());
        assertThat(updated.path("metadata").path("resourceVersion").asLong())
            .isGreaterThan(created.path("metadata").path("resourceVersion").asLong());
        ObjectNode stale = created.deepCopy();
        stale.with("data").put("k", "3");
        assertThatThrownBy(() -> configmaps.update("default", "a", stale, WriteOptions.defaults()))
            .isInstanceOfSatisfying(StatusException.class, e -> {
                assertThat(e.code()).isEqualTo(409);
                assertThat(e.reason()).isEqualTo("Conflict");
                assertThat(e.getMessage()).contains("the object has been modified");
            });
        assertThat(configmaps.get("default", "a", null).path("data").path("k").asText()).isEqualTo("2");
    }

    @Test
    void invalidObjectsGet422WithFieldPathsAndAreNotStored() {
        ObjectNode bad = obj("{\"metadata\":{\"name\":\"Bad_Name\"},\"spec\":{\"containers\":[{\"name\":\"c\"},{\"name\":\"c\",\"image\":\"x\"}]}}");
        assertThatThrownBy(() -> pods.create("default", bad, WriteOptions.defaults()))
            .isInstanceOfSatisfying(StatusException.class, e -> {
                assertThat(e.code()).isEqualTo(422);
                assertThat(e.causes()).extracting(StatusException.Cause::field)
                    .contains("metadata.name", "spec.containers[0].image", "spec.containers[1].name");
            });
        assertThat(pods.list("default", ListOptions.all()).items()).isEmpty();
    }

    @Test
    void generationBumpsOnSpecChangeOnlyAndStatusIsSeparate() {
        ObjectNode d = obj("{\"metadata\":{\"name\":\"web\"},\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
            + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\"}]}}},"
            + "\"status\":{\"replicas\":99}}");
        ObjectNode created = deployments.create("default", d, WriteOptions.defaults());
        assertThat(created.path("metadata").path("generation").asLong()).isEqualTo(1);
        assertThat(created.has("status")).isFalse();
        assertThat(created.path("spec").path("replicas").asInt()).isEqualTo(1);
        assertThat(created.path("spec").path("strategy").path("rollingUpdate").path("maxSurge").asText()).isEqualTo("25%");

        ObjectNode labelsOnly = created.deepCopy();
        labelsOnly.with("metadata").with("labels").put("x", "y");
        assertThat(deployments.update("default", "web", labelsOnly, WriteOptions.defaults()).path("metadata").path("generation").asLong()).isEqualTo(1);

        ObjectNode status = deployments.get("default", "web", null);
        status.putObject("status").put("replicas", 3);
        status.with("spec").put("replicas", 50);
        ObjectNode afterStatus = deployments.update("default", "web", status, WriteOptions.defaults().withSubresource("status"));
        assertThat(afterStatus.path("status").path("replicas").asInt()).isEqualTo(3);
        assertThat(afterStatus.path("spec").path("replicas").asInt()).isEqualTo(1);

        ObjectNode scaled = deployments.update("default", "web", o -> {
            o.with("spec").put("replicas", 4);
            o.putObject("status").put("replicas", 0);
            return o;
        }, WriteOptions.defaults());
        assertThat(scaled.path("metadata").path("generation").asLong()).isEqualTo(2);
        assertThat(scaled.path("status").path("replicas").asInt()).as("status is not changed through the main resource").isEqualTo(3);
    }

    @Test
    void concurrentUnconditionalUpdatesEitherApplyOrConflictNeverFail() throws Exception {
        configmaps.create("default", cm("race", "0"), WriteOptions.defaults());
        java.util.concurrent.atomic.AtomicInteger applied = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger conflicts = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int id = t;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 25; i++) {
                    try {
                        configmaps.update("default", "race", cm("race", id + "-" + i), WriteOptions.defaults());
                        applied.incrementAndGet();
                    } catch (StatusException e) {
                        assertThat(e.code()).isEqualTo(409);
                        conflicts.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) t.join();
        assertThat(applied.get() + conflicts.get()).isEqualTo(200);
        assertThat(applied.get()).isPositive();
    }

    @Test
    void noOpUpdateKeepsTheResourceVersion() {
        ObjectNode created = configmaps.create("default", cm("a", "1"), WriteOptions.defaults());
        ObjectNode same = configmaps.update("default", "a", created.deepCopy(), WriteOptions.defaults());
        assertThat(same.path("metadata").path("resourceVersion")).isEqualTo(created.path("metadata").path("resourceVersion"));
    }

    @Test
    void listPagesWithContinueTokensConsistentlyAndFiltersByLabel() {
        for (int i = 0; i < 7; i++) configmaps.create("default", cm("cm" + i, "v"), WriteOptions.defaults());
        configmaps.create("default", obj("{\"metadata\":{\"name\":\"other\",\"labels\":{\"app\":\"y\"}}}"), WriteOptions.defaults());
        ListResult first = configmaps.list("default", new ListOptions("app=x", null, 3, null, null, null, false, null, null));
        assertThat(first.items()).extracting(CachedObject::name).containsExactly("cm0", "cm1", "cm2");
        assertThat(first.continueToken()).isNotNull();
        configmaps.delete("default", "cm4", DeleteOptions.defaults());
        List<String> rest = new ArrayList<>();
        String token = first.continueToken();
        while (token != null) {
            ListResult page = configmaps.list("default", new ListOptions("app=x", null, 3, token, null, null, false, null, null));
            assertThat(page.revision()).isEqualTo(first.revision());
            page.items().forEach(c -> rest.add(c.name()));
            token = page.continueToken();
        }
        assertThat(rest).containsExactly("cm3", "cm4", "cm5", "cm6");
        assertThat(configmaps.list("default", new ListOptions("app=x", null, 0, null, null, null, false, null, null)).items()).hasSize(6);
    }

    @Test
    void watchFromAResourceVersionSeesLaterChangesAndSelectorTransitions() throws Exception {
        ObjectNode a = configmaps.create("default", cm("a", "1"), WriteOptions.defaults());
        String rv = a.path("metadata").path("resourceVersion").asText();
        try (CacheWatcher w = configmaps.watch("default", new ListOptions("app=x", null, 0, null, rv, null, false, null, null))) {
            ObjectNode changed = configmaps.get("default", "a", null);
            changed.with("metadata").with("labels").put("app", "gone");
            configmaps.update("default", "a", changed, WriteOptions.defaults());
            configmaps.create("default", cm("b", "1"), WriteOptions.defaults());
            CacheEvent e1 = w.next(5000);
            CacheEvent e2 = w.next(5000);
            assertThat(e1.type()).as("object left the selector").isEqualTo(CacheEvent.Type.DELETED);
            assertThat(e1.object().labels()).as("the last state that matched").containsEntry("app", "x");
            assertThat(e1.object().object().path("metadata").path("resourceVersion").asText())
                .as("at the change's revision").isEqualTo(Long.toString(e1.revision())).isNotEqualTo(rv);
            assertThat(e2.type()).isEqualTo(CacheEvent.Type.ADDED);
            assertThat(e2.object().name()).isEqualTo("b");
        }
    }

    @Test
    void aNamespaceWatchSeesOnlyItsNamespaceAndWatchersShareTheCachesEvents() throws Exception {
        namespaces.create(null, obj("{\"metadata\":{\"name\":\"default2\"}}"), WriteOptions.defaults());
        String rv = Long.toString(configmaps.cache().revision());
        ListOptions selected = new ListOptions("app=x", null, 0, null, rv, null, false, null, null);
        try (CacheWatcher scoped = configmaps.watch("default", new ListOptions(null, null, 0, null, rv, null, false, null, null));
             CacheWatcher one = configmaps.watch("default", selected);
             CacheWatcher other = configmaps.watch("default", selected)) {
            configmaps.create("default2", cm("elsewhere", "1"), WriteOptions.defaults()); // its key extends "default"
            configmaps.create("default", cm("here", "1"), WriteOptions.defaults());
            CacheEvent e = scoped.next(5000);
            assertThat(e.object().name()).isEqualTo("here");
            assertThat(e.object().namespace()).isEqualTo("default");
            CacheEvent seen = one.next(5000);
            assertThat(seen.type()).isEqualTo(CacheEvent.Type.ADDED);
            assertThat(other.next(5000)).as("one instance, encoded once for all watchers").isSameAs(seen).isSameAs(e);
        }
    }

    @Test
    void anUntimedWaitEndsWithTheNextEventOrWhenTheWatcherCloses() throws Exception {
        String rv = Long.toString(configmaps.cache().revision());
        try (CacheWatcher w = configmaps.watch("default", new ListOptions(null, null, 0, null, rv, null, false, null, null))) {
            assertThat(w.poll()).isNull();
            java.util.concurrent.CompletableFuture<CacheEvent> seen = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    CacheEvent e;
                    while ((e = w.poll()) == null) w.await();
                    return e;
                } catch (InterruptedException ex) {
                    throw new IllegalStateException(ex);
                }
            });
            configmaps.create("default", cm("woken", "1"), WriteOptions.defaults());
            assertThat(seen.get(10, java.util.concurrent.TimeUnit.SECONDS).object().name()).isEqualTo("woken");

            java.util.concurrent.CompletableFuture<Boolean> done = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    while (!w.isDone()) w.await();
                    return true;
                } catch (InterruptedException ex) {
                    throw new IllegalStateException(ex);
                }
            });
            Thread.sleep(100);
            assertThat(done).as("nothing to wake it yet").isNotDone();
            w.close();
            assertThat(done.get(10, java.util.concurrent.TimeUnit.SECONDS)).as("closing wakes the waiting consumer").isTrue();
        }
    }

    @Test
    void watchFromTheListRevisionIsNotExpiredWhenOnlyOtherResourcesChanged() throws Exception {
        // an informer lists an idle resource, then watches from the list's revision; meanwhile other resources change
        // and the idle cache's revision moves on through progress notifications: nothing was missed, so no 410
        long listed = configmaps.cache().revision();
        for (int i = 0; i < 5; i++) namespaces.create(null, obj("{\"metadata\":{\"name\":\"ns-" + i + "\"}}"), WriteOptions.defaults());
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (configmaps.cache().revision() <= listed && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(configmaps.cache().revision()).isGreaterThan(listed);
        try (CacheWatcher w = configmaps.watch("default", new ListOptions(null, null, 0, null, Long.toString(listed), null, false, null, null))) {
            configmaps.create("default", cm("after", "1"), WriteOptions.defaults());
            CacheEvent e = w.next(5000);
            assertThat(e.type()).isEqualTo(CacheEvent.Type.ADDED);
            assertThat(e.object().name()).isEqualTo("after");
        }
    }

    @Test
    void podsOnANodeAreDeletedGracefullyAndFinalizersHoldObjects() {
        ObjectNode p = obj("{\"metadata\":{\"name\":\"p\"},\"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}");
        pods.create("default", p, WriteOptions.defaults());
        ObjectNode marked = pods.delete("default", "p", DeleteOptions.defaults());
        assertThat(marked.path("metadata").path("deletionGracePeriodSeconds").asLong()).isEqualTo(30);
        assertThat(pods.get("default", "p", null).path("metadata").hasNonNull("deletionTimestamp")).isTrue();
        pods.delete("default", "p", new DeleteOptions(0L, null, null, null, false));
        assertThatThrownBy(() -> pods.get("default", "p", null)).isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(404));

        ObjectNode held = cm("held", "1");
        held.with("metadata").putArray("finalizers").add("example.com/wait");
        configmaps.create("default", held, WriteOptions.defaults());
        configmaps.delete("default", "held", DeleteOptions.defaults());
        ObjectNode terminating = configmaps.get("default", "held", null);
        assertThat(terminating.path("metadata").hasNonNull("deletionTimestamp")).isTrue();
        terminating.with("metadata").putArray("finalizers");
        configmaps.update("default", "held", terminating, WriteOptions.defaults());
        assertThatThrownBy(() -> configmaps.get("default", "held", null)).isInstanceOf(StatusException.class);
    }

    @Test
    void generateNameMakesUniqueNames() {
        ObjectNode g = obj("{\"metadata\":{\"generateName\":\"job-\"}}");
        String n1 = configmaps.create("default", g.deepCopy(), WriteOptions.defaults()).path("metadata").path("name").asText();
        String n2 = configmaps.create("default", g.deepCopy(), WriteOptions.defaults()).path("metadata").path("name").asText();
        assertThat(n1).startsWith("job-").hasSize(9).isNotEqualTo(n2);
    }

    @Test
    void deleteCollectionDeletesExactlyTheSelectedObjects() {
        for (int i = 0; i < 40; i++) configmaps.create("default", cm("x" + i, "1"), WriteOptions.defaults());
        ObjectNode other = cm("keep", "1");
        other.with("metadata").with("labels").put("app", "y");
        configmaps.create("default", other, WriteOptions.defaults());
        var deleted = configmaps.deleteCollection("default", new ListOptions("app=x", null, 0, null, null, null, false, null, null),
            DeleteOptions.defaults());
        assertThat(deleted).hasSize(40);
        assertThat(deleted).extracting(o -> o.path("metadata").path("name").asText()).doesNotHaveDuplicates().doesNotContain("keep");
        assertThat(configmaps.list("default", ListOptions.all()).items()).extracting(c -> c.name()).containsExactly("keep");
    }
}
