package dev.beluga.controllers.testing;

import dev.beluga.controllers.runtime.Controller;
import dev.beluga.controllers.runtime.ControllerContext;
import dev.beluga.controllers.runtime.EventRecorder;
import dev.beluga.controllers.runtime.Informers;
import dev.beluga.controllers.runtime.Keys;
import dev.beluga.controllers.runtime.RateLimiters;
import dev.beluga.controllers.runtime.WorkQueue;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A FAKE cluster for controller unit tests (as upstream's tests use a fake clientset and fake informers): no Beluga
 * API server, no list/watch.
 * <ul>
 *   <li>The API is fabric8's {@link KubernetesMockServer} in CRUD mode: an in-memory store answering on loopback
 *       (port chosen by the OS). It keeps what is written (create/update/patch/delete), assigns uid, resourceVersion
 *       and names from {@code generateName}; it has no admission, no defaulting, no garbage collection, no graceful
 *       deletion (a delete removes an object without finalizers at once). Every request is recorded: {@link #writes()} returns the
 *       writes since the last call, in order; {@link #api()} reads the store back.</li>
 *   <li>The controller's caches are {@link FakeInformer}s made through {@link Informers#withFactory}: they hold
 *       exactly what the test puts there ({@link #cache}); a write through the fake API does NOT reach them, so after
 *       a reconcile the cache is stale until the test says otherwise (the test plays the watch).</li>
 *   <li>The clock is a {@link MutableClock}; events go through a real {@link EventRecorder} to the fake API (they are
 *       excluded from {@link #writes()}, being asynchronous).</li>
 * </ul>
 * One controller per cluster: {@link #register} calls {@link Controller#register} once; the test then calls
 * {@link Controller#reconcile} itself (nothing takes keys from {@link #queue}).
 *
 * <p>Thread-safety: the mock server and client are thread-safe; the request log is a concurrent queue; the fakes
 * are documented on their own. Meant for one test thread.
 */
public final class FakeCluster implements AutoCloseable {
    public static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final Queue<Write> requests = new ConcurrentLinkedQueue<>();
    private final Map<Class<?>, FakeInformer<?>> caches = new ConcurrentHashMap<>();
    public final MutableClock clock = new MutableClock(START);
    public final Informers informers;
    public final EventRecorder events;
    public final WorkQueue<String> queue = new WorkQueue<>(RateLimiters.controllerDefault(), "fake");
    public final ControllerContext ctx;

    /** A request that changed (or tried to change) the fake API: method, path (with query) and body. */
    public record Write(String method, String path, String body) {
        /** Whether this write is {@code method} on a path ending with {@code pathSuffix} (query ignored). */
        public boolean is(String method, String pathSuffix) {
            String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
            return this.method.equals(method) && p.endsWith(pathSuffix);
        }

        /** The body as an object of {@code type}. */
        public <T> T as(Class<T> type) {
            return Serialization.unmarshal(body, type);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static {
        // the mock server logs every request at INFO through java.util.logging
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
    }

    public FakeCluster() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new RecordingDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        informers = Informers.withFactory(type -> caches.computeIfAbsent(type, t -> new FakeInformer<>(type)));
        events = new EventRecorder(client);
        ctx = new ControllerContext(client, informers, events, clock);
    }

    /** The client talking to the fake API, to read back what controllers wrote (and to set up API-only state). */
    public KubernetesClient api() {
        return client;
    }

    /** The fake informer (cache) of a type, created on first use; the same one the controller reads. */
    @SuppressWarnings("unchecked")
    public <T extends HasMetadata> FakeInformer<T> cache(Class<T> type) {
        informers.informer(type); // through Informers, so the controller and the test share one instance
        return (FakeInformer<T>) caches.get(type);
    }

    /** Registers the controller's handlers (once), as the manager does before starting the informers. */
    public <C extends Controller> C register(C controller) {
        controller.register(ctx, queue);
        return controller;
    }

    /**
     * Creates the object in the fake API and puts it in the cache: the steady state in which cache and API agree. The
     * cached copy is the given object (status included, even where the API keeps status apart) with the metadata the
     * API assigned (uid, resourceVersion, name, generation); a creationTimestamp given by the test is kept. The
     * recorded request is dropped from {@link #writes()}.
     */
    @SuppressWarnings("unchecked")
    public <T extends HasMetadata> T seed(T object) {
        T created = client.resource(object).create();
        T cached = (T) Serialization.clone(object);
        ObjectMeta m = cached.getMetadata();
        ObjectMeta c = created.getMetadata();
        m.setUid(c.getUid());
        m.setName(c.getName());
        m.setResourceVersion(c.getResourceVersion());
        if (m.getGeneration() == null) m.setGeneration(c.getGeneration() == null ? 1L : c.getGeneration());
        if (m.getCreationTimestamp() == null) m.setCreationTimestamp(c.getCreationTimestamp());
        cache((Class<T>) object.getClass()).put(cached);
        writes();
        return cached;
    }

    /**
     * Plays the watch for creations and deletions of one type: objects in the fake API but not in the cache are
     * added to it, cached objects gone from the API are deleted from it (handlers are called). Objects in both are
     * left as cached (the test states their state). Returns the objects added.
     */
    public <T extends HasMetadata> List<T> observeCreatesAndDeletes(Class<T> type) {
        FakeInformer<T> cache = cache(type);
        List<T> inApi = client.resources(type).inAnyNamespace().list().getItems();
        Map<String, T> byKey = new HashMap<>();
        for (T o : inApi) byKey.put(Keys.of(o), o);
        List<T> added = new ArrayList<>();
        for (T o : inApi) if (cache.getIndexer().getByKey(Keys.of(o)) == null) {
            cache.add(o);
            added.add(o);
        }
        for (T o : cache.getIndexer().list()) if (!byKey.containsKey(Keys.of(o))) cache.delete(o);
        return added;
    }

    /** Every write to the fake API since the last call (events excluded), in the order the server received them. */
    public List<Write> writes() {
        List<Write> out = new ArrayList<>();
        Write w;
        while ((w = requests.poll()) != null) if (!"GET".equals(w.method()) && !w.path().contains("/events")) out.add(w);
        return out;
    }

    /** The CRUD dispatcher, recording each request (with its body, which the dispatcher consumes) before serving it. */
    private final class RecordingDispatcher extends KubernetesCrudDispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest r) {
            byte[] body = r.getBody() == null ? new byte[0] : r.getBody().getBytes();
            requests.add(new Write(r.getMethod(), r.getPath(), new String(body, StandardCharsets.UTF_8)));
            return super.dispatch(r);
        }
    }

    @Override
    public void close() {
        queue.shutDown();
        events.close();
        client.close();
        server.destroy();
    }
}
