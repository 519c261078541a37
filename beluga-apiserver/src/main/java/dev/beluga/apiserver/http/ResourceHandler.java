package dev.beluga.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.registry.CacheWatcher;
import dev.beluga.apiserver.registry.CachedObject;
import dev.beluga.apiserver.registry.DeleteOptions;
import dev.beluga.apiserver.registry.ListOptions;
import dev.beluga.apiserver.registry.ListResult;
import dev.beluga.apiserver.registry.RegistryStore;
import dev.beluga.apiserver.registry.ResourceType;
import dev.beluga.apiserver.registry.WriteOptions;

import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The verbs on one resource: get, list, watch, create, update, patch, delete, deletecollection, and the status,
 * scale, finalize (namespaces) and approval (certificatesigningrequests) subresources. Decodes requests, calls the {@link RegistryStore}, and encodes the answer in the negotiated
 * representation (JSON, YAML or Table).
 */
final class ResourceHandler {
    /** The subresources served here (others, such as pods/log, have handlers of their own). */
    static final java.util.Set<String> WRITE_SUBRESOURCES = java.util.Set.of("status", "scale", "finalize", "approval");

    private final RegistryStore store;
    private final ResourceType type;
    private final Patches patches;
    private final ServerWebSocketContainer websockets;

    ResourceHandler(RegistryStore store, ServerWebSocketContainer websockets) {
        this.store = store;
        this.websockets = websockets;
        this.type = store.type();
        this.patches = new Patches(type);
    }

    void handle(Exchange ex, String namespace, String name, String subresource, boolean watchPath) throws Exception {
        String method = ex.method();
        if (subresource != null && !WRITE_SUBRESOURCES.contains(subresource))
            throw StatusException.notFound(type.group(), type.plural() + "/" + subresource, name);
        if (subresource != null && !type.hasSubresource(subresource))
            throw StatusException.notFound(type.group(), type.plural() + "/" + subresource, name);
        if (name == null) {
            switch (method) {
                case "GET" -> {
                    if (watchPath || ex.queryFlag("watch")) watch(ex, namespace);
                    else list(ex, namespace);
                }
                case "POST" -> create(ex, namespace);
                case "DELETE" -> deleteCollection(ex, namespace);
                default -> throw StatusException.methodNotAllowed("the server does not allow this method on the requested resource");
            }
            return;
        }
        if (watchPath) {
            watch(ex, namespace);
            return;
        }
        if ("scale".equals(subresource)) {
            scale(ex, namespace, name);
            return;
        }
        if ("finalize".equals(subresource) && !"PUT".equals(method))
            throw StatusException.methodNotAllowed("the server does not allow this method on the requested resource");
        switch (method) {
            case "GET" -> respond(ex, 200, store.get(namespace, name, ex.query("resourceVersion")));
            case "PUT" -> {
                ObjectNode body = Bodies.object(ex, type);
                respond(ex, 200, store.updateWritten(namespace, name, body, writeOptions(ex).withSubresource(subresource)));
            }
            case "PATCH" -> patch(ex, namespace, name, subresource);
            case "DELETE" -> {
                if (subresource != null) throw StatusException.methodNotAllowed("the server does not allow this method on the requested resource");
                delete(ex, namespace, name);
            }
            default -> throw StatusException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    private void list(Exchange ex, String namespace) throws IOException {
        ListResult r = store.list(namespace, listOptions(ex));
        Negotiation n = Negotiation.of(ex.header("Accept"));
        if (n.format() == Negotiation.Format.TABLE) {
            List<ObjectNode> objs = new ArrayList<>(r.items().size());
            for (CachedObject c : r.items()) objs.add(c.object());
            ex.sendJson(200, Tables.table(type.strategy().table(), objs, n.tableVersion(), Long.toString(r.revision()),
                r.continueToken(), r.remainingItemCount(), true));
            ex.response().getHeaders().put("Content-Type", "application/json;as=Table;v=" + n.tableVersion() + ";g=meta.k8s.io");
            return;
        }
        if (n.format() == Negotiation.Format.YAML) {
            ex.send(200, "application/yaml", Json.YAML.writeValueAsBytes(Json.parse(listJson(r))));
            return;
        }
        ex.send(200, "application/json", listJson(r));
    }

    /**
     * The list as JSON, concatenating each object's cached encoding (no re-serialization) into one array of the exact
     * size: a list of 10,000 pods is ~30 MB, and growing a buffer by doubling then copying it out would allocate
     * three times that, mostly in the old generation.
     */
    private byte[] listJson(ListResult r) {
        ObjectNode meta = Json.object().put("resourceVersion", Long.toString(r.revision()));
        if (r.continueToken() != null) meta.put("continue", r.continueToken());
        if (r.remainingItemCount() != null) meta.put("remainingItemCount", r.remainingItemCount());
        byte[] head = ("{\"kind\":\"" + type.listKind() + "\",\"apiVersion\":\"" + type.apiVersion() + "\",\"metadata\":"
            + Json.string(meta) + ",\"items\":[").getBytes(StandardCharsets.UTF_8);
        long size = head.length + 2L + Math.max(0, r.items().size() - 1);
        for (CachedObject c : r.items()) size += c.json().length;
        if (size > Integer.MAX_VALUE - 16) throw StatusException.internal("the list is too large to send at once; use limit");
        byte[] out = new byte[(int) size];
        System.arraycopy(head, 0, out, 0, head.length);
        int at = head.length;
        for (CachedObject c : r.items()) {
            if (at > head.length) out[at++] = ',';
            byte[] json = c.json();
            System.arraycopy(json, 0, out, at, json.length);
            at += json.length;
        }
        out[at++] = ']';
        out[at] = '}';
        return out;
    }

    private void watch(Exchange ex, String namespace) throws Exception {
        ListOptions o = listOptions(ex);
        boolean watchList = Boolean.TRUE.equals(o.sendInitialEvents());
        if (watchList && !"NotOlderThan".equals(o.resourceVersionMatch()))
            throw new StatusException(422, "Invalid", "sendInitialEvents is allowed only with resourceVersionMatch=NotOlderThan");
        CacheWatcher w;
        try {
            w = store.watch(namespace, o);
        } catch (StatusException e) {
            if (e.code() != 410) throw e;
            expired(ex, e);
            return;
        }
        Negotiation n = Negotiation.of(ex.header("Accept"));
        WatchStreamer streamer = new WatchStreamer(type, w, n, o.allowWatchBookmarks() || watchList, watchList, o.timeoutSeconds());
        if (websockets != null && "websocket".equalsIgnoreCase(ex.header("Upgrade"))) {
            if (websockets.upgrade((rq, rs, cb) -> new WatchSocket(streamer), ex.request(), ex.response(), ex.callback())) {
                ex.upgraded();
                return;
            }
        }
        ex.request().addIdleTimeoutListener(t -> false);
        ex.start(200, n.format() == Negotiation.Format.TABLE ? "application/json;as=Table;v=" + n.tableVersion() + ";g=meta.k8s.io"
            : "application/json");
        OutputStream out = ex.output();
        out.flush();
        try {
            streamer.stream(new LineBatchSink(out));
        } catch (IOException e) {
            // client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server is stopping
        }
    }

    /**
     * A watch from a revision the cache no longer holds: like kube-apiserver, answer 200 and a single ERROR event
     * carrying the 410 Expired status, so that every client library relists.
     */
    private void expired(Exchange ex, StatusException e) throws IOException {
        ObjectNode event = Json.object().put("type", "ERROR");
        ObjectNode status = e.toStatus();
        status.put("reason", "Expired");
        event.set("object", status);
        byte[] frame = Json.bytes(event);
        if (websockets != null && "websocket".equalsIgnoreCase(ex.header("Upgrade"))) {
            boolean ok = websockets.upgrade((rq, rs, cb) -> new ExpiredWatchSocket(frame), ex.request(), ex.response(), ex.callback());
            if (ok) {
                ex.upgraded();
                return;
            }
        }
        ex.start(200, "application/json");
        OutputStream out = ex.output();
        out.write(frame);
        out.write('\n');
        out.close();
    }

    private void create(Exchange ex, String namespace) throws IOException {
        ObjectNode body = Bodies.object(ex, type);
        respond(ex, 201, store.createWritten(namespace, body, writeOptions(ex)));
    }

    private void patch(Exchange ex, String namespace, String name, String subresource) throws IOException {
        String ct = ex.contentType();
        byte[] body = ex.body();
        WriteOptions w = writeOptions(ex).withSubresource(subresource);
        if (ct.equals("application/apply-patch+yaml")) {
            if (w.fieldManager() == null || w.fieldManager().isEmpty())
                throw StatusException.badRequest("PATCH with apply-patch+yaml requires a fieldManager");
            ObjectNode applied = Bodies.yamlObject(body);
            w = w.withApplied(applied);
            try {
                WriteOptions wa = w;
                boolean force = ex.queryFlag("force");
                respond(ex, 200, store.updateWritten(namespace, name, live -> patches.apply(live, applied, wa.fieldManager(), force), wa));
            } catch (StatusException e) {
                if (e.code() != 404 || subresource != null) throw e;
                ObjectNode obj = applied.deepCopy();
                Json.with(obj, "metadata").put("name", name);
                respond(ex, 201, store.createWritten(namespace, obj, w));
            }
            return;
        }
        JsonNode patch = Bodies.json(body);
        respond(ex, 200, store.updateWritten(namespace, name, live -> patches.apply(ct, live, patch), w));
    }

    private void delete(Exchange ex, String namespace, String name) throws IOException {
        DeleteOptions o = Bodies.deleteOptions(ex);
        ObjectNode obj = store.delete(namespace, name, o);
        respond(ex, 200, obj);
    }

    private void deleteCollection(Exchange ex, String namespace) throws IOException {
        DeleteOptions o = Bodies.deleteOptions(ex);
        List<ObjectNode> deleted = store.deleteCollection(namespace, listOptions(ex), o);
        ObjectNode list = Json.object().put("kind", type.listKind()).put("apiVersion", type.apiVersion());
        list.putObject("metadata");
        ArrayNode items = list.putArray("items");
        deleted.forEach(items::add);
        respond(ex, 200, list);
    }

    private void scale(Exchange ex, String namespace, String name) throws IOException {
        switch (ex.method()) {
            case "GET" -> respond(ex, 200, Scales.toScale(type, store.get(namespace, name, ex.query("resourceVersion"))));
            case "PUT" -> {
                ObjectNode scale = Bodies.json(ex.body()) instanceof ObjectNode o ? o : Json.object();
                JsonNode replicas = scale.path("spec").path("replicas");
                String rv = scale.path("metadata").path("resourceVersion").asText(null);
                ObjectNode updated = store.update(namespace, name, live -> Scales.applyReplicas(live, replicas, rv), writeOptions(ex));
                respond(ex, 200, Scales.toScale(type, updated));
            }
            case "PATCH" -> {
                String ct = ex.contentType();
                JsonNode patch = Bodies.json(ex.body());
                ObjectNode updated = store.update(namespace, name, live -> {
                    ObjectNode scale = Scales.toScale(type, live);
                    ObjectNode patched = patches.applyGeneric(ct, scale, patch);
                    return Scales.applyReplicas(live, patched.path("spec").path("replicas"),
                        patched.path("metadata").path("resourceVersion").asText(null));
                }, writeOptions(ex));
                respond(ex, 200, Scales.toScale(type, updated));
            }
            default -> throw StatusException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    /** Answers with what a write returned: its JSON as stored when the client wants JSON, else as {@link #respond(Exchange, int, ObjectNode)}. */
    private void respond(Exchange ex, int code, RegistryStore.Written written) throws IOException {
        if (written.json() != null && Negotiation.of(ex.header("Accept")).format() == Negotiation.Format.JSON) {
            ex.send(code, "application/json", written.json());
            return;
        }
        respond(ex, code, written.object());
    }

    private void respond(Exchange ex, int code, ObjectNode obj) throws IOException {
        Negotiation n = Negotiation.of(ex.header("Accept"));
        if (n.format() == Negotiation.Format.TABLE && "Table".equals(obj.path("kind").asText()) == false
            && type.kind().equals(obj.path("kind").asText())) {
            ObjectNode t = Tables.table(type.strategy().table(), List.of(obj), n.tableVersion(),
                obj.path("metadata").path("resourceVersion").asText(null), null, null, true);
            ex.send(code, "application/json;as=Table;v=" + n.tableVersion() + ";g=meta.k8s.io", Json.bytes(t));
            return;
        }
        if (n.format() == Negotiation.Format.YAML) {
            ex.send(code, "application/yaml", Json.YAML.writeValueAsBytes(obj));
            return;
        }
        ex.send(code, "application/json", Json.bytes(obj));
    }

    static ListOptions listOptions(Exchange ex) {
        int limit = 0;
        String l = ex.query("limit");
        if (l != null && !l.isEmpty()) {
            try {
                limit = Math.max(0, Integer.parseInt(l));
            } catch (NumberFormatException e) {
                throw StatusException.badRequest("invalid limit: " + l);
            }
        }
        Long timeout = null;
        String t = ex.query("timeoutSeconds");
        if (t != null && !t.isEmpty()) {
            try {
                timeout = Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw StatusException.badRequest("invalid timeoutSeconds: " + t);
            }
        }
        String sie = ex.query("sendInitialEvents");
        return new ListOptions(ex.query("labelSelector"), ex.query("fieldSelector"), limit, ex.query("continue"),
            ex.query("resourceVersion"), ex.query("resourceVersionMatch"), ex.queryFlag("allowWatchBookmarks"), timeout,
            sie == null ? null : Boolean.parseBoolean(sie));
    }

    static WriteOptions writeOptions(Exchange ex) {
        List<String> dry = ex.queryAll("dryRun");
        for (String d : dry) if (!d.equals("All")) throw StatusException.badRequest("Invalid dry run value: " + d + " (supported: All)");
        String fv = ex.query("fieldValidation");
        if (fv == null || fv.isEmpty()) fv = "Warn";
        if (!fv.equals("Strict") && !fv.equals("Warn") && !fv.equals("Ignore"))
            throw StatusException.badRequest("fieldValidation must be one of \"Ignore\", \"Warn\", or \"Strict\"");
        String manager = ex.query("fieldManager");
        if (manager == null || manager.isEmpty()) {
            String ua = ex.header("User-Agent");
            manager = ua == null ? null : ua.split("/")[0];
        }
        return new WriteOptions(!dry.isEmpty(), manager, fv, null).withWarnings(ex::warn).withUser(ex.user());
    }
}
