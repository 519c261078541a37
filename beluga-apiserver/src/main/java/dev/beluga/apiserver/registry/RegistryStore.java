package dev.beluga.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import dev.beluga.store.CompactedException;
import dev.beluga.store.FutureRevisionException;
import dev.beluga.store.KeyRange;
import dev.beluga.store.KeyValue;
import dev.beluga.store.Keys;
import dev.beluga.store.KvStore;
import dev.beluga.store.PreconditionFailedException;
import dev.beluga.store.RangeResult;
import dev.beluga.store.RequestTooLargeException;
import dev.beluga.store.StoreException;
import dev.beluga.store.WriteResult;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The generic REST storage of one resource type (kube-apiserver's {@code genericregistry.Store}): create, get, list,
 * watch, update, patch and delete over the {@link KvStore}, with the resource's {@link Strategy} for what differs.
 *
 * <p>Objects are stored as JSON without their resourceVersion, which is the store's modRevision and is set on read.
 * Optimistic concurrency maps onto the store's compare-and-swap: an update carrying a resourceVersion succeeds only
 * if the object still has it (409 Conflict otherwise).
 *
 * <p>Threading: stateless apart from the cache; safe for concurrent requests.
 */
public final class RegistryStore {
    /** Concurrent deletes of one deletecollection request. */
    static final int DELETE_COLLECTION_WORKERS = 16;

    private static final char[] NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_PATCH_RETRIES = 5;

    private final ResourceType type;
    private final KvStore store;
    private final WatchCache cache;
    private final Clock clock;
    private final Function<String, ObjectNode> namespaceLookup;
    private final dev.beluga.api.patch.PatchMeta patchMeta;
    private final Class<?> model;
    private volatile WriteHooks hooks = WriteHooks.NONE;
    private volatile boolean cacheSettlesWrites;
    private volatile Admission admission = Admission.NONE;

    /**
     * @param namespaceLookup returns the Namespace object of a name, or null if it does not exist (used to refuse
     *                        objects in missing or terminating namespaces)
     */
    public RegistryStore(ResourceType type, KvStore store, Clock clock, Function<String, ObjectNode> namespaceLookup) {
        this.type = type;
        this.store = store;
        this.clock = clock;
        this.namespaceLookup = namespaceLookup;
        this.cache = new WatchCache(type, store);
        this.patchMeta = dev.beluga.api.patch.BuiltinPatchMeta.forKind(type.group(), type.kind());
        this.model = KnownFields.model(type.group(), type.kind()).orElse(null);
    }

    public ResourceType type() {
        return type;
    }

    public WatchCache cache() {
        return cache;
    }

    public void start() {
        cache.start();
    }

    /** Sets the admission check of this resource's writes (see {@link Admission}); set before serving requests. */
    public void admission(Admission check) {
        this.admission = check;
    }

    /**
     * Makes creates and updates answer only once this resource's watch cache holds them (at most 2 s): for objects
     * that admission reads from the cache (ResourceQuotas, LimitRanges), so that a request sent after the write's
     * answer is judged by them. Set before serving requests.
     */
    public void settleCacheOnWrite() {
        this.cacheSettlesWrites = true;
    }

    private void settled(long revision) {
        if (cacheSettlesWrites) cache.waitFor(revision, 2000);
    }

    /** The write hooks set by {@link #hooks(WriteHooks)}, to wrap them. */
    public WriteHooks hooks() {
        return hooks;
    }

    /** Sets what runs around this resource's writes (see {@link WriteHooks}); set before serving requests. */
    public void hooks(WriteHooks hooks) {
        this.hooks = hooks;
    }

    // ---------------------------------------------------------------- reads

    public ObjectNode get(String namespace, String name, String resourceVersion) {
        String key = type.storageKey(namespace, name);
        if ("0".equals(resourceVersion)) {
            CachedObject c = cache.get(key);
            if (c == null) throw StatusException.notFound(type.group(), type.plural(), name);
            return c.object();
        }
        KeyValue kv = call(() -> store.get(bytes(key)));
        if (kv == null) throw StatusException.notFound(type.group(), type.plural(), name);
        return WatchCache.decodeTree(kv);
    }

    /** Lists objects (namespace null = all namespaces), honouring selectors, paging and resourceVersion semantics. */
    public ListResult list(String namespace, ListOptions o) {
        ObjectFilter filter = Filters.of(type, o.labelSelector(), o.fieldSelector());
        String prefix = type.storagePrefix(namespace);
        if (o.continueToken() != null && !o.continueToken().isEmpty()) {
            ContinueToken t = ContinueToken.decode(o.continueToken());
            return listFromStore(prefix + t.startKey(), prefix, t.revision(), o.limit(), filter);
        }
        if ("Exact".equals(o.resourceVersionMatch())) {
            long rv = parseRv(o.resourceVersion());
            return listFromStore(prefix, prefix, rv, o.limit(), filter);
        }
        long want;
        if (o.resourceVersionUnset()) want = call(store::currentRevision);
        else if ("0".equals(o.resourceVersion())) want = 0;
        else want = parseRv(o.resourceVersion());
        boolean exactWanted = !o.resourceVersionUnset() && !"0".equals(o.resourceVersion());
        if (!cache.waitFor(want, exactWanted ? 3000 : 500)) {
            if (exactWanted && want > call(store::currentRevision))
                throw new StatusException(504, "Timeout", "Too large resource version: " + want + ", current: "
                    + call(store::currentRevision));
            return listFromStore(prefix, prefix, 0, o.limit(), filter);
        }
        WatchCache.Snapshot snap = cache.snapshot(prefix, filter);
        List<CachedObject> items = snap.items();
        if (o.limit() > 0 && items.size() > o.limit()) {
            List<CachedObject> page = items.subList(0, o.limit());
            String last = page.getLast().key();
            String token = new ContinueToken(snap.revision(), last.substring(prefix.length()) + "\u0000").encode();
            return new ListResult(List.copyOf(page), snap.revision(), token, (long) (items.size() - o.limit()));
        }
        return new ListResult(items, snap.revision(), null, null);
    }

    private ListResult listFromStore(String from, String prefix, long revision, int limit, ObjectFilter filter) {
        KeyRange range = new KeyRange(bytes(from), Keys.prefixEnd(bytes(prefix)));
        List<CachedObject> out = new ArrayList<>();
        long at = revision;
        try {
            while (true) {
                int batch = limit > 0 ? Math.max(limit - out.size(), 1) + 1 : 0;
                RangeResult r = store.range(range, at, batch, false);
                at = r.revision();
                Iterator<KeyValue> it = r.kvs().iterator();
                while (it.hasNext()) {
                    KeyValue kv = it.next();
                    CachedObject c = cache.decode(kv);
                    if (!filter.matches(c)) continue;
                    if (limit > 0 && out.size() == limit) {
                        String token = new ContinueToken(at, out.getLast().key().substring(prefix.length()) + "\u0000").encode();
                        return new ListResult(out, at, token, null);
                    }
                    out.add(c);
                }
                if (!r.more()) return new ListResult(out, at, null, null);
                range = range.startingAt(Keys.successor(r.kvs().getLast().key()));
            }
        } catch (CompactedException e) {
            throw new StatusException(410, "Expired", "The provided continue parameter is too old to display a consistent"
                + " list result. You can start a new list without the continue parameter, or use the continue token in"
                + " this response to retrieve the remainder of the results. Continuing with the provided token results"
                + " in an inconsistent list - objects that were created, modified, or deleted between the time the first"
                + " chunk was returned and now may show up in the list.");
        } catch (FutureRevisionException e) {
            throw new StatusException(504, "Timeout", "Too large resource version: " + revision);
        } catch (StoreException e) {
            throw storeFailure(e);
        }
    }

    /** Starts a watch; see {@link WatchCache#watch}. */
    public CacheWatcher watch(String namespace, ListOptions o) {
        ObjectFilter filter = Filters.of(type, o.labelSelector(), o.fieldSelector());
        String prefix = namespace == null || !type.namespaced() ? null : type.storagePrefix(namespace);
        Long from = o.resourceVersionUnset() || "0".equals(o.resourceVersion()) ? null : parseRv(o.resourceVersion());
        if (from != null && Boolean.TRUE.equals(o.sendInitialEvents()))
            from = null;
        return cache.watch(prefix, filter, from);
    }

    // ---------------------------------------------------------------- writes

    public ObjectNode create(String namespace, ObjectNode obj, WriteOptions w) {
        return createWritten(namespace, obj, w).object();
    }

    /**
     * The object as written and, when it was stored, its JSON as clients get it: the stored bytes with the
     * resourceVersion spliced in, so that the answer to a write is not serialized a second time. Null JSON (a dry
     * run, a no-op update): the caller serializes {@code object}. Neither is modified by anyone afterwards.
     */
    public record Written(ObjectNode object, byte[] json) {
        static Written stored(ObjectNode object, byte[] stored, long revision) {
            return new Written(object, ResourceVersionSplice.apply(stored, revision));
        }

        static Written unstored(ObjectNode object) {
            return new Written(object, null);
        }
    }

    /** {@link #create} with the JSON of what was written. */
    public Written createWritten(String namespace, ObjectNode obj, WriteOptions w) {
        ObjectMetaRules.checkKind(type, obj);
        checkFields(obj, w);
        ObjectNode meta = Json.with(obj, "metadata");
        if (type.namespaced()) {
            String inBody = Json.text(meta, "namespace");
            if (inBody != null && !inBody.isEmpty() && namespace != null && !inBody.equals(namespace))
                throw StatusException.badRequest("the namespace of the provided object (" + inBody
                    + ") does not match the namespace sent on the request (" + namespace + ")");
            meta.put("namespace", namespace != null ? namespace : inBody);
            if (meta.path("namespace").asText("").isEmpty()) throw StatusException.badRequest("namespace is required for " + type.plural());
            checkNamespaceForCreate(meta.path("namespace").asText());
        } else {
            meta.remove("namespace");
        }
        if (meta.hasNonNull("resourceVersion") && !meta.path("resourceVersion").asText().isEmpty())
            throw StatusException.badRequest("resourceVersion should not be set on objects to be created");
        String generateName = Json.text(meta, "generateName");
        boolean generated = !meta.hasNonNull("name") || meta.path("name").asText().isEmpty();
        if (generated && (generateName == null || generateName.isEmpty())) {
            FieldErrors e = new FieldErrors().required("metadata.name", "name or generateName is required");
            throw StatusException.invalid(type.group(), type.kind(), "", e.causes());
        }
        meta.put("uid", UUID.randomUUID().toString());
        meta.put("creationTimestamp", now());
        meta.remove("deletionTimestamp");
        meta.remove("deletionGracePeriodSeconds");
        meta.remove("selfLink");
        if (type.strategy().tracksGeneration()) meta.put("generation", 1);
        else meta.remove("generation");
        type.strategy().prepareForCreate(obj, w.user());
        if (w.applied() != null) ManagedFields.recordApply(obj, null, w.applied(), w.fieldManager(), type.apiVersion(), now(), patchMeta);
        else ManagedFields.recordUpdate(obj, null, w.fieldManager(), type.apiVersion(), now(), null, patchMeta);
        for (int attempt = 0; ; attempt++) {
            if (generated) meta.put("name", generateName + randomSuffix());
            validate(obj, null, null);
            if (w.user() != null) admission.admit(Admission.Operation.CREATE, obj, null, w);
            String key = type.storageKey(Json.text(meta, "namespace"), meta.path("name").asText());
            WriteHooks.Completion done = hooks.beforeCreate(obj, w.dryRun());
            if (w.dryRun()) return Written.unstored(obj);
            WriteHooks.Outcome outcome = WriteHooks.Outcome.NOT_STORED;
            try {
                byte[] stored = encode(obj);
                WriteResult r = store.create(bytes(key), stored);
                outcome = WriteHooks.Outcome.STORED;
                settled(r.revision());
                return Written.stored(withRv(obj, r.revision()), stored, r.revision());
            } catch (PreconditionFailedException e) {
                if (generated && attempt < 5) continue;
                throw StatusException.alreadyExists(type.group(), type.plural(), meta.path("name").asText());
            } catch (StoreException e) {
                outcome = WriteHooks.Outcome.UNKNOWN;
                throw storeFailure(e);
            } finally {
                done.finish(outcome);
            }
        }
    }

    /** PUT: replaces the object (or its status with {@code w.subresource() == "status"}). */
    public ObjectNode update(String namespace, String name, ObjectNode obj, WriteOptions w) {
        return updateWritten(namespace, name, obj, w).object();
    }

    /** {@link #update(String, String, ObjectNode, WriteOptions)} with the JSON of what was written. */
    public Written updateWritten(String namespace, String name, ObjectNode obj, WriteOptions w) {
        ObjectMetaRules.checkKind(type, obj);
        checkFields(obj, w);
        ObjectNode meta = Json.with(obj, "metadata");
        String bodyName = Json.text(meta, "name");
        if (bodyName == null || bodyName.isEmpty()) meta.put("name", name);
        else if (!bodyName.equals(name))
            throw StatusException.badRequest("the name of the object (" + bodyName + ") does not match the name on the URL (" + name + ")");
        if (type.namespaced()) {
            String ns = Json.text(meta, "namespace");
            if (ns != null && !ns.isEmpty() && !ns.equals(namespace))
                throw StatusException.badRequest("the namespace of the provided object (" + ns
                    + ") does not match the namespace sent on the request (" + namespace + ")");
            meta.put("namespace", namespace);
        }
        String key = type.storageKey(namespace, name);
        KeyValue current = call(() -> store.get(bytes(key)));
        if (current == null) throw StatusException.notFound(type.group(), type.plural(), name);
        String rv = Json.text(meta, "resourceVersion");
        if (rv != null && !rv.isEmpty() && parseRvForUpdate(rv) != current.modRevision())
            throw StatusException.conflict(type.group(), type.plural(), name,
                "the object has been modified; please apply your changes to the latest version and try again");
        try {
            return write(key, WatchCache.decodeTree(current), obj, current.modRevision(), w);
        } catch (RetryableConflict e) {
            // another write landed between our read and our compare-and-swap
            throw StatusException.conflict(type.group(), type.plural(), name,
                "the object has been modified; please apply your changes to the latest version and try again");
        }
    }

    /**
     * Read-modify-write: applies {@code change} to the current object and writes the result, retrying when a
     * concurrent writer got there first — unless the changed object pins a resourceVersion (a precondition), in
     * which case a mismatch is a 409. Used by PATCH and the scale subresource.
     */
    public ObjectNode update(String namespace, String name, UnaryOperator<ObjectNode> change, WriteOptions w) {
        return updateWritten(namespace, name, change, w).object();
    }

    /** {@link #update(String, String, UnaryOperator, WriteOptions)} with the JSON of what was written. */
    public Written updateWritten(String namespace, String name, UnaryOperator<ObjectNode> change, WriteOptions w) {
        String key = type.storageKey(namespace, name);
        for (int attempt = 0; ; attempt++) {
            KeyValue current = call(() -> store.get(bytes(key)));
            if (current == null) throw StatusException.notFound(type.group(), type.plural(), name);
            ObjectNode old = WatchCache.decodeTree(current);
            ObjectNode changed = change.apply(old.deepCopy());
            ObjectMetaRules.checkKind(type, changed);
            checkFields(changed, w);
            ObjectNode meta = Json.with(changed, "metadata");
            if (!name.equals(Json.text(meta, "name")))
                throw StatusException.badRequest("the name of the object (" + Json.text(meta, "name")
                    + ") does not match the name on the URL (" + name + ")");
            if (type.namespaced() && !namespace.equals(Json.text(meta, "namespace")))
                throw StatusException.badRequest("the namespace of the object does not match the namespace on the URL");
            String rv = Json.text(meta, "resourceVersion");
            if (rv != null && !rv.isEmpty() && parseRvForUpdate(rv) != current.modRevision())
                throw StatusException.conflict(type.group(), type.plural(), name,
                    "the object has been modified; please apply your changes to the latest version and try again");
            try {
                return write(key, old, changed, current.modRevision(), w);
            } catch (RetryableConflict e) {
                if (attempt >= MAX_PATCH_RETRIES)
                    throw StatusException.conflict(type.group(), type.plural(), name,
                        "the object has been modified; please apply your changes to the latest version and try again");
            }
        }
    }

    private static final class RetryableConflict extends RuntimeException {
        RetryableConflict() {
            super(null, null, false, false);
        }
    }

    private Written write(String key, ObjectNode old, ObjectNode obj, long modRevision, WriteOptions w) {
        ObjectNode meta = Json.with(obj, "metadata");
        ObjectNode oldMeta = (ObjectNode) old.get("metadata");
        String uid = Json.text(meta, "uid");
        if (uid != null && !uid.isEmpty() && !uid.equals(Json.text(oldMeta, "uid")))
            throw StatusException.conflict(type.group(), type.plural(), Json.text(oldMeta, "name"),
                "Precondition failed: UID in precondition: " + uid + ", UID in object meta: " + Json.text(oldMeta, "uid"));
        for (String f : List.of("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"))
            copyField(oldMeta, meta, f);
        meta.remove("selfLink");
        keepManagedFieldsUnlessSent(meta, oldMeta);
        ObjectNode result;
        if ("status".equals(w.subresource())) {
            result = old.deepCopy();
            if (obj.has("status")) result.set("status", obj.get("status"));
            else result.remove("status");
            // metadata changes through /status are ignored, as upstream, except managed fields bookkeeping
            type.strategy().prepareForSubresourceUpdate("status", result, obj, old);
        } else if ("approval".equals(w.subresource())) {
            // certificatesigningrequests/approval: the strategy takes the conditions, nothing else changes
            result = old.deepCopy();
            type.strategy().prepareForSubresourceUpdate("approval", result, obj, old);
        } else if ("finalize".equals(w.subresource())) {
            // namespaces/finalize changes spec.finalizers and nothing else (the namespace controller's last step)
            result = old.deepCopy();
            JsonNode fs = obj.path("spec").path("finalizers");
            Json.with(result, "spec").set("finalizers", fs.isArray() ? fs : Json.array());
        } else if ("binding".equals(w.subresource())) {
            result = obj; // pods/binding sets spec.nodeName and the PodScheduled condition together
        } else {
            result = obj;
            if (type.hasStatus()) {
                if (old.has("status")) result.set("status", old.get("status"));
                else result.remove("status");
            }
            type.strategy().prepareForUpdate(result, old);
            if (type.strategy().tracksGeneration() && specChanged(result, old)) {
                long gen = oldMeta.path("generation").asLong(0);
                Json.with(result, "metadata").put("generation", gen + 1);
            }
        }
        validate(result, old, w.subresource());
        if (w.user() != null) admission.admit(Admission.Operation.UPDATE, result, old, w);
        if (equalIgnoringVolatile(result, old)) return Written.unstored(old); // no-op: nothing written, resourceVersion unchanged
        if (w.applied() != null) ManagedFields.recordApply(result, old, w.applied(), w.fieldManager(), type.apiVersion(), now(), patchMeta);
        else ManagedFields.recordUpdate(result, old, w.fieldManager(), type.apiVersion(), now(), w.subresource(), patchMeta);
        Json.with(result, "metadata").remove("resourceVersion");
        ObjectNode rm = (ObjectNode) result.get("metadata");
        boolean finalize = rm.hasNonNull("deletionTimestamp") && isEmpty(rm.get("finalizers"))
            && rm.path("deletionGracePeriodSeconds").asLong(0) == 0 && type.strategy().gracePeriod(result, null) == null
            && !type.strategy().retainOnDelete(result.deepCopy());
        // an update that removes the object (its last finalizer) reserves nothing: what it held is released below
        WriteHooks.Completion done = w.subresource() == null && !finalize
            ? hooks.beforeUpdate(result, old, w.dryRun()) : WriteHooks.Completion.NOTHING;
        if (w.dryRun()) return Written.unstored(withRv(result, modRevision));
        WriteHooks.Outcome outcome = WriteHooks.Outcome.NOT_STORED;
        try {
            if (finalize) {
                WriteResult r = store.delete(bytes(key), modRevision);
                outcome = WriteHooks.Outcome.STORED;
                hooks.afterDelete(old);
                return Written.unstored(withRv(result, r.revision()));
            }
            byte[] stored = encode(result);
            WriteResult r = store.update(bytes(key), stored, modRevision);
            outcome = WriteHooks.Outcome.STORED;
            settled(r.revision());
            return Written.stored(withRv(result, r.revision()), stored, r.revision());
        } catch (PreconditionFailedException e) {
            if (e.reason() == PreconditionFailedException.Reason.KEY_NOT_FOUND)
                throw StatusException.notFound(type.group(), type.plural(), Json.text(rm, "name"));
            throw new RetryableConflict();
        } catch (StoreException e) {
            outcome = WriteHooks.Outcome.UNKNOWN;
            throw storeFailure(e);
        } finally {
            done.finish(outcome);
        }
    }

    /** DELETE of one object. Returns the object as last seen (deleted, or marked for deletion). */
    public ObjectNode delete(String namespace, String name, DeleteOptions o) {
        String key = type.storageKey(namespace, name);
        for (int attempt = 0; ; attempt++) {
            KeyValue current = call(() -> store.get(bytes(key)));
            if (current == null) throw StatusException.notFound(type.group(), type.plural(), name);
            ObjectNode obj = WatchCache.decodeTree(current);
            ObjectNode meta = (ObjectNode) obj.get("metadata");
            if (o.preconditionUid() != null && !o.preconditionUid().equals(Json.text(meta, "uid")))
                throw StatusException.conflict(type.group(), type.plural(), name, "Precondition failed: UID in precondition: "
                    + o.preconditionUid() + ", UID in object meta: " + Json.text(meta, "uid"));
            if (o.preconditionRv() != null && !o.preconditionRv().equals(Json.text(meta, "resourceVersion")))
                throw StatusException.conflict(type.group(), type.plural(), name, "Precondition failed: ResourceVersion in precondition: "
                    + o.preconditionRv() + ", ResourceVersion in object meta: " + Json.text(meta, "resourceVersion"));
            ObjectNode marked = obj.deepCopy();
            ObjectNode mm = (ObjectNode) marked.get("metadata");
            boolean keep = false;
            if ("Orphan".equals(o.propagationPolicy())) keep |= addFinalizer(mm, "orphan");
            if ("Foreground".equals(o.propagationPolicy())) keep |= addFinalizer(mm, "foregroundDeletion");
            Long grace = type.strategy().gracePeriod(obj, o.gracePeriodSeconds());
            if (grace != null && grace > 0) keep = true;
            if (type.strategy().retainOnDelete(marked)) keep = true;
            if (!isEmpty(mm.get("finalizers"))) keep = true;
            if (keep) {
                String ts = now();
                if (!mm.hasNonNull("deletionTimestamp")) {
                    long g = grace == null ? 0 : grace;
                    mm.put("deletionTimestamp", Instant.parse(ts).plusSeconds(g).toString());
                    mm.put("deletionGracePeriodSeconds", g);
                } else if (grace != null && grace < mm.path("deletionGracePeriodSeconds").asLong(Long.MAX_VALUE)) {
                    mm.put("deletionGracePeriodSeconds", grace);
                } else if (mm.equals(meta)) {
                    return obj; // already being deleted, nothing new to record
                }
                if (o.dryRun()) return marked;
                mm.remove("resourceVersion");
                if (grace != null && grace == 0 && isEmpty(mm.get("finalizers"))) {
                    // a forced delete of a gracefully terminating object: remove it now
                    try {
                        WriteResult r = store.delete(bytes(key), current.modRevision());
                        hooks.afterDelete(obj);
                        return withRv(marked, r.revision());
                    } catch (PreconditionFailedException e) {
                        if (attempt < MAX_PATCH_RETRIES) continue;
                        throw StatusException.conflict(type.group(), type.plural(), name, "the object has been modified");
                    }
                }
                try {
                    WriteResult r = store.update(bytes(key), encode(marked), current.modRevision());
                    return withRv(marked, r.revision());
                } catch (PreconditionFailedException e) {
                    if (attempt < MAX_PATCH_RETRIES) continue;
                    throw StatusException.conflict(type.group(), type.plural(), name, "the object has been modified");
                } catch (StoreException e) {
                    throw storeFailure(e);
                }
            }
            if (o.dryRun()) return obj;
            try {
                WriteResult r = store.delete(bytes(key), current.modRevision());
                hooks.afterDelete(obj);
                return withRv(obj, r.revision());
            } catch (PreconditionFailedException e) {
                if (attempt < MAX_PATCH_RETRIES) continue;
                throw StatusException.conflict(type.group(), type.plural(), name, "the object has been modified");
            } catch (StoreException e) {
                throw storeFailure(e);
            }
        }
    }

    /** Deletes every object the list options select; returns them. */
    public List<ObjectNode> deleteCollection(String namespace, ListOptions lo, DeleteOptions o) {
        List<CachedObject> items = list(namespace, new ListOptions(lo.labelSelector(), lo.fieldSelector(), 0, null, null, null,
            false, null, null)).items();
        // deletes run DELETE_COLLECTION_WORKERS at a time (upstream's --delete-collection-workers): each is its own
        // transaction, and concurrent ones share the store's group commit instead of an fsync each
        ObjectNode[] deleted = new ObjectNode[items.size()];
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<RuntimeException> failure = new java.util.concurrent.atomic.AtomicReference<>();
        int workers = Math.min(DELETE_COLLECTION_WORKERS, items.size());
        Thread[] threads = new Thread[workers];
        for (int w = 0; w < workers; w++) {
            threads[w] = Thread.ofVirtual().name("deletecollection").start(() -> {
                for (int i; failure.get() == null && (i = next.getAndIncrement()) < items.size(); ) {
                    CachedObject c = items.get(i);
                    try {
                        deleted[i] = delete(c.namespace(), c.name(), o);
                    } catch (StatusException e) {
                        if (e.code() != 404) failure.compareAndSet(null, e);
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    }
                }
            });
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw StatusException.internal("interrupted while deleting a collection");
            }
        }
        if (failure.get() != null) throw failure.get();
        List<ObjectNode> out = new ArrayList<>(items.size());
        for (ObjectNode d : deleted) if (d != null) out.add(d);
        return out;
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Drops the fields the kind does not have, as typed decoding upstream does: with {@code fieldValidation=Strict}
     * that is a 400 ("strict decoding error: unknown field ..."), with Warn each becomes a warning. Not for an object
     * the API server built ({@link WriteOptions#serverBuilt()}).
     */
    private void checkFields(ObjectNode obj, WriteOptions w) {
        if (model == null || w.serverBuilt()) return;
        List<String> unknown = KnownFields.prune(obj, model);
        if (unknown.isEmpty()) return;
        if ("Strict".equals(w.fieldValidation())) {
            StringBuilder sb = new StringBuilder("strict decoding error: ");
            for (int i = 0; i < unknown.size(); i++) sb.append(i > 0 ? ", " : "").append("unknown field \"").append(unknown.get(i)).append('"');
            throw StatusException.badRequest(sb.toString());
        }
        if ("Warn".equals(w.fieldValidation()) && w.warnings() != null)
            for (String f : unknown) w.warnings().accept("unknown field \"" + f + "\"");
    }

    private void validate(ObjectNode obj, ObjectNode old, String subresource) {
        FieldErrors errors = new FieldErrors();
        ObjectMetaRules.validate(type, obj, errors);
        type.strategy().validate(obj, errors);
        if (old != null) {
            ObjectMetaRules.validateUpdate(type, obj, old, errors);
            type.strategy().validateUpdate(obj, old, subresource, errors);
        }
        if (!errors.isEmpty()) {
            String name = obj.path("metadata").path("name").asText("");
            throw StatusException.invalid(type.group(), type.kind(), name, errors.causes());
        }
    }

    private void checkNamespaceForCreate(String ns) {
        ObjectNode nsObj = namespaceLookup.apply(ns);
        if (nsObj == null)
            throw new StatusException(404, "NotFound", "namespaces \"" + ns + "\" not found", "", "namespaces", ns, null, null);
        if (nsObj.path("metadata").hasNonNull("deletionTimestamp") || "Terminating".equals(nsObj.path("status").path("phase").asText()))
            throw new StatusException(403, "Forbidden", type.plural() + " \"" + "\" is forbidden: unable to create new content in namespace "
                + ns + " because it is being terminated", type.group(), type.plural(), null,
                List.of(new StatusException.Cause("NamespaceTerminating", "namespace " + ns + " is being terminated", "metadata.namespace")), null);
    }

    private static boolean specChanged(ObjectNode obj, ObjectNode old) {
        ObjectNode a = obj.deepCopy();
        ObjectNode b = old.deepCopy();
        for (ObjectNode o : List.of(a, b)) {
            o.remove("metadata");
            o.remove("status");
        }
        return !a.equals(b);
    }

    /**
     * Whether two versions of an object are equal but for metadata.resourceVersion and metadata.managedFields (which
     * every write changes), compared in place: no copies, this runs on every update.
     */
    static boolean equalIgnoringVolatile(ObjectNode a, ObjectNode b) {
        if (a.size() != b.size()) return false;
        for (var e : a.properties()) {
            JsonNode other = b.get(e.getKey());
            if (other == null) return false;
            if (e.getKey().equals("metadata") && e.getValue() instanceof ObjectNode am && other instanceof ObjectNode bm) {
                if (!equalMetadata(am, bm)) return false;
            } else if (!e.getValue().equals(other)) {
                return false;
            }
        }
        return true;
    }

    private static boolean equalMetadata(ObjectNode a, ObjectNode b) {
        int volatileA = (a.has("resourceVersion") ? 1 : 0) + (a.has("managedFields") ? 1 : 0);
        int volatileB = (b.has("resourceVersion") ? 1 : 0) + (b.has("managedFields") ? 1 : 0);
        if (a.size() - volatileA != b.size() - volatileB) return false;
        for (var e : a.properties()) {
            String k = e.getKey();
            if (k.equals("resourceVersion") || k.equals("managedFields")) continue;
            if (!e.getValue().equals(b.get(k))) return false;
        }
        return true;
    }

    private static void copyField(ObjectNode from, ObjectNode to, String field) {
        if (from.has(field)) to.set(field, from.get(field));
        else to.remove(field);
    }

    private static boolean addFinalizer(ObjectNode meta, String f) {
        JsonNode fs = meta.get("finalizers");
        ArrayNode arr = fs instanceof ArrayNode a ? a : meta.putArray("finalizers");
        for (JsonNode n : arr) if (f.equals(n.asText())) return true;
        arr.add(f);
        return true;
    }

    /**
     * As upstream's field manager: an update without managedFields (or with an empty list) keeps the live object's,
     * so that clients which do not know them (a PUT of a cached or edited object) do not wipe the other managers'
     * entries; a list of one empty entry ({@code [{}]}) is the way to clear them.
     */
    private static void keepManagedFieldsUnlessSent(ObjectNode meta, ObjectNode oldMeta) {
        JsonNode sent = meta.get("managedFields");
        if (sent instanceof ArrayNode a && a.size() == 1 && a.get(0) instanceof ObjectNode e && e.isEmpty()) {
            meta.remove("managedFields");
            return;
        }
        if (isEmpty(sent) && oldMeta.has("managedFields"))
            meta.set("managedFields", oldMeta.get("managedFields").deepCopy());
    }

    private static boolean isEmpty(JsonNode n) {
        return n == null || n.isNull() || (n.isArray() && n.isEmpty());
    }

    private ObjectNode withRv(ObjectNode obj, long revision) {
        Json.with(obj, "metadata").put("resourceVersion", Long.toString(revision));
        return obj;
    }

    private static byte[] encode(ObjectNode obj) {
        ObjectNode meta = (ObjectNode) obj.get("metadata");
        JsonNode rv = meta.remove("resourceVersion");
        byte[] b = Json.bytes(obj);
        if (rv != null) meta.set("resourceVersion", rv);
        return b;
    }

    private String now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String randomSuffix() {
        char[] c = new char[5];
        for (int i = 0; i < c.length; i++) c[i] = NAME_CHARS[RANDOM.nextInt(NAME_CHARS.length)];
        return new String(c);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static long parseRv(String rv) {
        try {
            long v = Long.parseLong(rv);
            if (v < 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw StatusException.badRequest("invalid resource version: " + rv);
        }
    }

    private long parseRvForUpdate(String rv) {
        try {
            return Long.parseLong(rv);
        } catch (NumberFormatException e) {
            throw StatusException.invalid(type.group(), type.kind(), "",
                new FieldErrors().invalid("metadata.resourceVersion", rv, "must be specified for an update").causes());
        }
    }

    private interface StoreCall<T> {
        T run();
    }

    private <T> T call(StoreCall<T> c) {
        try {
            return c.run();
        } catch (StoreException e) {
            throw storeFailure(e);
        }
    }

    static StatusException storeFailure(StoreException e) {
        if (e instanceof RequestTooLargeException) return StatusException.tooLarge(e.getMessage());
        if (e instanceof CompactedException) return StatusException.gone(e.getMessage());
        return StatusException.unavailable("storage error: " + e.getMessage());
    }
}
