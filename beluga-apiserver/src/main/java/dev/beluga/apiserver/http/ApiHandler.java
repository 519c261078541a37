package dev.beluga.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.auth.Authenticator;
import dev.beluga.apiserver.auth.UserInfo;
import dev.beluga.apiserver.authz.AuthorizerChain;
import dev.beluga.apiserver.authz.Impersonation;
import dev.beluga.apiserver.authz.RequestAttributes;
import dev.beluga.apiserver.discovery.Discovery;
import dev.beluga.apiserver.discovery.OpenApi;
import dev.beluga.apiserver.discovery.OpenApiV2;
import dev.beluga.apiserver.registry.RegistryStore;
import dev.beluga.apiserver.registry.ResourceRegistry;
import dev.beluga.apiserver.registry.ResourceType;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The API server's HTTP entry point: authenticates every request, applies impersonation, authorizes it
 * ({@link #withAuthorization}; the one place where every request but health checks and node join is checked: watches,
 * subresources, discovery and OpenAPI included), then routes it — health and version, discovery,
 * OpenAPI, metrics, or a resource path ({@code /api/v1/...}, {@code /apis/<group>/<version>/...}) to its
 * {@link ResourceHandler}. Every failure is answered with a Kubernetes {@code Status}.
 *
 * <p>Blocking handler: Jetty runs it on a virtual thread per request.
 */
public final class ApiHandler extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);

    private final ResourceRegistry registry;
    private final Discovery discovery;
    private final OpenApi openApi;
    private final Authenticator authenticator;
    private final PrometheusRegistry metrics;
    private final BooleanSupplier ready;
    private final Map<RegistryStore, ResourceHandler> handlers = new HashMap<>();
    private final List<SubresourceHandler> subresourceHandlers;
    private final List<PublicHandler> publicHandlers;
    private final Counter requests;
    private final Histogram latency;
    private final String versionJson;
    private final dev.beluga.apiserver.metrics.MetricsApi metricsApi;
    private volatile AuthorizerChain authorizer = new AuthorizerChain(List.of(AuthorizerChain.ALWAYS_ALLOW));
    private volatile AccessReviews reviews = new AccessReviews(authorizer);

    /** Serves a connect subresource (pods/log, pods/exec, pods/binding, ...). */
    public interface SubresourceHandler {
        /** Handles it and returns true, or returns false if it is not this handler's. */
        boolean handle(Exchange ex, ResourceType type, String namespace, String name, String subresource) throws Exception;
    }

    /**
     * Serves paths outside the Kubernetes API that need no Kubernetes authentication (the node join endpoints, which
     * authenticate on their own); asked before a request is authenticated.
     */
    public interface PublicHandler {
        /** Handles it and returns true, or returns false if it is not this handler's path. */
        boolean handle(Exchange ex) throws Exception;
    }

    public ApiHandler(ResourceRegistry registry, Discovery discovery, OpenApi openApi, Authenticator authenticator,
                      PrometheusRegistry metrics, BooleanSupplier ready, List<SubresourceHandler> subresourceHandlers,
                      ObjectNode version, org.eclipse.jetty.websocket.server.ServerWebSocketContainer websockets) {
        this(registry, discovery, openApi, authenticator, metrics, ready, subresourceHandlers, List.of(), version, websockets, null);
    }

    public ApiHandler(ResourceRegistry registry, Discovery discovery, OpenApi openApi, Authenticator authenticator,
                      PrometheusRegistry metrics, BooleanSupplier ready, List<SubresourceHandler> subresourceHandlers,
                      List<PublicHandler> publicHandlers, ObjectNode version,
                      org.eclipse.jetty.websocket.server.ServerWebSocketContainer websockets,
                      dev.beluga.apiserver.metrics.MetricsApi metricsApi) {
        super(InvocationType.BLOCKING);
        this.publicHandlers = List.copyOf(publicHandlers);
        this.metricsApi = metricsApi;
        this.registry = registry;
        this.discovery = discovery;
        this.openApi = openApi;
        this.authenticator = authenticator;
        this.metrics = metrics;
        this.ready = ready;
        this.subresourceHandlers = subresourceHandlers;
        this.versionJson = Json.string(version);
        for (RegistryStore s : registry.stores()) handlers.put(s, new ResourceHandler(s, websockets));
        this.requests = Counter.builder().name("apiserver_request_total").help("Requests by verb, resource and code")
            .labelNames("verb", "resource", "code").register(metrics);
        io.prometheus.metrics.core.metrics.GaugeWithCallback.builder().name("apiserver_registered_watchers")
            .help("Watches being served, by resource").labelNames("resource")
            .callback(cb -> {
                for (RegistryStore s : registry.stores()) cb.call(s.cache().watcherCount(), s.type().qualifiedPlural());
            }).register(metrics);
        io.prometheus.metrics.core.metrics.GaugeWithCallback.builder().name("apiserver_storage_objects")
            .help("Objects held in the watch cache, by resource").labelNames("resource")
            .callback(cb -> {
                for (RegistryStore s : registry.stores()) cb.call(s.cache().size(), s.type().qualifiedPlural());
            }).register(metrics);
        this.latency = Histogram.builder().name("apiserver_request_duration_seconds").help("Request latency by verb and resource")
            .labelNames("verb", "resource")
            .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60).register(metrics);
    }

    /**
     * Authorizes every authenticated request with {@code chain} (after impersonation), and answers the access reviews
     * from it; without this call everything is allowed. Call before serving.
     */
    public ApiHandler withAuthorization(AuthorizerChain chain) {
        this.authorizer = chain;
        this.reviews = new AccessReviews(chain);
        return this;
    }

    /**
     * Serves a request. Long-running requests (watches, followed logs) are moved to a virtual thread of their own:
     * Jetty calls this method on one of a small pool of platform threads, and a watch holds its thread for up to an
     * hour, so a few dozen watchers would otherwise starve every other request (and each other).
     */
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!Thread.currentThread().isVirtual() && LongRunning.is(request)) {
            Thread.ofVirtual().name("apiserver-watch").start(() -> serve(request, response, callback));
            return true;
        }
        serve(request, response, callback);
        return true;
    }

    private void serve(Request request, Response response, Callback callback) {
        Exchange ex = new Exchange(request, response, callback);
        long t0 = System.nanoTime();
        String[] metric = {ex.method(), ""};
        try {
            route(ex, metric);
        } catch (StatusException e) {
            error(ex, e);
        } catch (java.io.UncheckedIOException e) {
            // the client went away mid-response
        } catch (Throwable e) {
            log.error("internal error serving {} {}", ex.method(), ex.path(), e);
            error(ex, StatusException.internal("an error on the server (\"" + e + "\") has prevented the request from succeeding"));
        }
        if (!"WATCH".equals(metric[0])) latency.labelValues(metric[0], metric[1]).observe((System.nanoTime() - t0) / 1e9);
        requests.labelValues(metric[0], metric[1], Integer.toString(ex.status())).inc();
        ex.finish();
    }

    private void error(Exchange ex, StatusException e) {
        try {
            if (ex.response().isCommitted()) return;
            if (e.retryAfterSeconds() != null) ex.response().getHeaders().put("Retry-After", e.retryAfterSeconds().toString());
            ex.sendJson(e.code(), e.toStatus());
        } catch (RuntimeException ignored) {
            // nothing more to say to this client
        }
    }

    private void route(Exchange ex, String[] metric) throws Exception {
        String path = ex.path();
        switch (path) {
            case "/healthz", "/livez" -> {
                ex.send(200, "text/plain; charset=utf-8", "ok".getBytes(StandardCharsets.UTF_8));
                return;
            }
            case "/readyz" -> {
                boolean ok = ready.getAsBoolean();
                ex.send(ok ? 200 : 503, "text/plain; charset=utf-8", (ok ? "ok" : "not ready").getBytes(StandardCharsets.UTF_8));
                return;
            }
            default -> { }
        }
        if (path.startsWith("/healthz/") || path.startsWith("/livez/") || path.startsWith("/readyz/")) {
            ex.send(200, "text/plain; charset=utf-8", "ok".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (!path.startsWith("/api/") && !path.startsWith("/apis/")) {
            for (PublicHandler h : publicHandlers) {
                if (h.handle(ex)) {
                    metric[1] = path;
                    return;
                }
            }
        }
        UserInfo user = authenticator.authenticate(ex.request());
        try {
            if (user == null) throw StatusException.unauthorized();
            ex.user(user);
            AuthorizerChain chain = authorizer;
            user = Impersonation.apply(user, ex.request().getHeaders(), chain);
            ex.user(user);
            chain.check(RequestAttributes.of(user, ex.method(), path, ex::query));
        } catch (StatusException refused) {
            ex.discardBody();
            throw refused;
        }
        if (path.equals("/version") || path.equals("/version/")) {
            ex.send(200, "application/json", versionJson.getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (path.equals("/metrics")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrometheusTextFormatWriter.create().write(out, metrics.scrape());
            ex.send(200, PrometheusTextFormatWriter.CONTENT_TYPE, out.toByteArray());
            return;
        }
        if (path.equals("/openapi/v3") || path.equals("/openapi/v3/")) {
            ex.sendJson(200, openApi.root());
            return;
        }
        if (path.startsWith("/openapi/v3/")) {
            String p = path.substring("/openapi/v3/".length());
            byte[] doc = openApi.document(p);
            if (doc == null) throw new StatusException(404, "NotFound", "the server could not find the requested resource");
            String etag = "\"" + openApi.hash(p) + "\"";
            ex.response().getHeaders().put("ETag", etag);
            if (etag.equals(ex.header("If-None-Match"))) {
                ex.start(304, null);
                return;
            }
            ex.send(200, "application/json", doc);
            return;
        }
        if (path.equals("/openapi/v2")) {
            String accept = ex.header("Accept");
            if (accept != null && accept.contains("protobuf")) {
                ex.send(200, "application/com.github.proto-openapi.spec.v2.v1.0+protobuf", OpenApiV2.protobuf());
            } else {
                ex.sendJson(200, OpenApiV2.json());
            }
            return;
        }
        if (reviews.handle(ex, path)) return;
        if ((path.equals("/apis/authentication.k8s.io/v1/selfsubjectreviews")
            || path.equals("/apis/authentication.k8s.io/v1beta1/selfsubjectreviews")) && ex.method().equals("POST")) {
            AuthenticationReviews.selfSubjectReview(ex, path.contains("/v1beta1/") ? "v1beta1" : "v1");
            return;
        }
        if (path.equals("/apis/authentication.k8s.io/v1/tokenreviews") && ex.method().equals("POST")) {
            AuthenticationReviews.tokenReview(ex, authenticator);
            return;
        }
        String[] segs = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
        if (segs.length == 0) {
            ObjectNode root = Json.object();
            root.putArray("paths").add("/api").add("/api/v1").add("/apis").add("/healthz").add("/livez").add("/metrics")
                .add("/openapi/v3").add("/readyz").add("/version");
            ex.sendJson(200, root);
            return;
        }
        String group;
        String version;
        int rest;
        if (segs[0].equals("api")) {
            if (segs.length == 1) {
                discoveryRoot(ex, true);
                return;
            }
            group = "";
            version = segs[1];
            rest = 2;
        } else if (segs[0].equals("apis")) {
            if (segs.length == 1) {
                discoveryRoot(ex, false);
                return;
            }
            group = segs[1];
            if (segs.length == 2) {
                List<String> versions = discovery.versions(group);
                if (versions.isEmpty()) throw notFound();
                ex.sendJson(200, discovery.group(group, versions));
                return;
            }
            version = segs[2];
            rest = 3;
        } else {
            throw notFound();
        }
        if (segs.length == rest) {
            ObjectNode list = discovery.resourceList(group, version);
            if (list == null) throw notFound();
            ex.sendJson(200, list);
            return;
        }
        if (metricsApi != null && group.equals(dev.beluga.apiserver.metrics.MetricsApi.GROUP)) {
            metric[0] = ex.queryFlag("watch") ? "WATCH" : ex.method().equals("GET") && (segs.length - rest) % 2 == 1 ? "LIST" : ex.method();
            metric[1] = metricsApi.handle(ex, version, Arrays.copyOfRange(segs, rest, segs.length)) + "." + group;
            return;
        }
        resource(ex, group, version, Arrays.copyOfRange(segs, rest, segs.length), metric);
    }

    private void discoveryRoot(Exchange ex, boolean core) {
        String accept = ex.header("Accept");
        String aggregated = aggregatedVersion(accept);
        if (aggregated != null) {
            ObjectNode doc = discovery.aggregated(core, aggregated);
            ex.send(200, "application/json;g=apidiscovery.k8s.io;v=" + aggregated + ";as=APIGroupDiscoveryList", Json.bytes(doc));
            return;
        }
        String host = ex.header("Host");
        ex.sendJson(200, core ? discovery.legacyApi(host == null ? "127.0.0.1:6443" : host) : discovery.legacyGroups());
    }

    /** "v2" or "v2beta1" when the client accepts aggregated discovery, in the order it prefers. */
    static String aggregatedVersion(String accept) {
        if (accept == null) return null;
        for (String part : accept.split(",")) {
            String p = part.replace(" ", "");
            if (p.startsWith("application/json") && p.contains("g=apidiscovery.k8s.io") && p.contains("as=APIGroupDiscoveryList")) {
                if (p.contains("v=v2beta1")) return "v2beta1";
                if (p.contains("v=v2")) return "v2";
            }
        }
        return null;
    }

    private void resource(Exchange ex, String group, String version, String[] s, String[] metric) throws Exception {
        boolean watchPath = false;
        int i = 0;
        if (s[0].equals("watch")) {
            watchPath = true;
            i = 1;
            if (s.length == 1) throw notFound();
        }
        String namespace = null;
        String plural;
        String name = null;
        String sub = null;
        if (s[i].equals("namespaces") && s.length - i >= 3 && !s[i + 2].equals("status") && !s[i + 2].equals("finalize")) {
            namespace = s[i + 1];
            plural = s[i + 2];
            if (s.length - i > 3) name = s[i + 3];
            if (s.length - i > 4) sub = s[i + 4];
            if (s.length - i > 5) throw notFound();
        } else {
            plural = s[i];
            if (s.length - i > 1) name = s[i + 1];
            if (s.length - i > 2) sub = s[i + 2];
            if (s.length - i > 3) throw notFound();
        }
        Optional<RegistryStore> found = registry.find(group, version, plural);
        if (found.isEmpty()) throw notFound();
        RegistryStore store = found.get();
        ResourceType type = store.type();
        if (type.namespaced() && namespace == null && name != null) throw notFound();
        if (!type.namespaced() && namespace != null) throw notFound();
        metric[0] = verb(ex, name, watchPath);
        metric[1] = type.plural() + (sub == null ? "" : "/" + sub);
        if (sub != null && !ResourceHandler.WRITE_SUBRESOURCES.contains(sub)) {
            for (SubresourceHandler h : subresourceHandlers) if (h.handle(ex, type, namespace, name, sub)) return;
            throw notFound();
        }
        handlers.get(store).handle(ex, namespace, name, sub, watchPath);
    }

    private static String verb(Exchange ex, String name, boolean watchPath) {
        if (watchPath || ex.queryFlag("watch")) return "WATCH";
        return switch (ex.method()) {
            case "GET" -> name == null ? "LIST" : "GET";
            case "DELETE" -> name == null ? "DELETECOLLECTION" : "DELETE";
            default -> ex.method();
        };
    }

    private static StatusException notFound() {
        return new StatusException(404, "NotFound", "the server could not find the requested resource");
    }
}
