package dev.beluga.apiserver.services;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import dev.beluga.store.KeyRange;
import dev.beluga.store.KeyValue;
import dev.beluga.store.Keys;
import dev.beluga.store.KvStore;
import dev.beluga.store.PreconditionFailedException;
import dev.beluga.store.RangeResult;
import dev.beluga.store.StoreException;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The allocation records in the store: one key per allocated cluster IP ({@value #IPS}{@code 10.43.0.10}) and per
 * allocated node port ({@value #NODE_PORTS}{@code 30080}), whose value names the owning Service
 * ({@code {"namespace","name","uid","allocated"}}). The prefixes lie outside {@code /registry/}, where every resource
 * lives, so no resource can ever collide with them.
 *
 * <p>Because the store's create is an atomic create-if-absent, two creates of one value — from two requests or two
 * API servers — cannot both succeed: that is the whole duplicate protection (the idea of upstream's IPAddress
 * objects). Threading: stateless apart from the store; safe for concurrent use. Store failures become 503s.
 */
final class AllocationRecords {
    static final String IPS = "/beluga/serviceips/";
    static final String NODE_PORTS = "/beluga/servicenodeports/";

    /** The Service a record belongs to. */
    record Owner(String namespace, String name, String uid) {
        static Owner of(ObjectNode service) {
            ObjectNode m = (ObjectNode) service.path("metadata");
            return new Owner(m.path("namespace").asText(), m.path("name").asText(), m.path("uid").asText());
        }

        @Override
        public String toString() {
            return namespace + "/" + name;
        }
    }

    /** One record as stored; {@code modRevision} makes a delete of exactly this record possible. */
    record Entry(String key, Owner owner, Instant allocated, long modRevision) {
        String value(String prefix) {
            return key.substring(prefix.length());
        }
    }

    /** What a claim found. */
    enum Claim {
        /** The record was created now. */
        NEW,
        /** It existed already, for the same Service (uid). */
        OWNED,
        /** It belongs to another Service. */
        TAKEN
    }

    private final KvStore store;
    private final Clock clock;

    AllocationRecords(KvStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Creates the record {@code key} for {@code owner}, unless it exists; with {@code dryRun}, only looks. */
    Claim claim(String key, Owner owner, boolean dryRun) {
        if (!dryRun) {
            try {
                store.create(bytes(key), encode(owner));
                return Claim.NEW;
            } catch (PreconditionFailedException e) {
                // exists: whose is it?
            } catch (StoreException e) {
                throw failure(e);
            }
        }
        Entry existing = get(key);
        if (existing == null) return dryRun ? Claim.NEW : claim(key, owner, false);
        return existing.owner().uid().equals(owner.uid()) ? Claim.OWNED : Claim.TAKEN;
    }

    /** The record {@code key}, or null. */
    Entry get(String key) {
        try {
            KeyValue kv = store.get(bytes(key));
            return kv == null ? null : decode(kv);
        } catch (StoreException e) {
            throw failure(e);
        }
    }

    /** Deletes the record {@code key} if it belongs to the Service {@code uid}; true if it was deleted. */
    boolean release(String key, String uid) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Entry e = get(key);
            if (e == null || !e.owner().uid().equals(uid)) return false;
            if (delete(e)) return true;
        }
        return false;
    }

    /** Deletes exactly this record (not a newer one of the same key); false if it changed or is gone. */
    boolean delete(Entry e) {
        try {
            store.delete(bytes(e.key()), e.modRevision());
            return true;
        } catch (PreconditionFailedException gone) {
            return false;
        } catch (StoreException ex) {
            throw failure(ex);
        }
    }

    /** Every record under {@code prefix}. */
    List<Entry> list(String prefix) {
        List<Entry> out = new ArrayList<>();
        scan(prefix, false, kv -> out.add(decode(kv)));
        return out;
    }

    /** The keys under {@code prefix}, without their values. */
    Set<String> keys(String prefix) {
        Set<String> out = new HashSet<>();
        scan(prefix, true, kv -> out.add(kv.keyString()));
        return out;
    }

    private void scan(String prefix, boolean keysOnly, java.util.function.Consumer<KeyValue> sink) {
        KeyRange range = KeyRange.prefix(prefix);
        try {
            long at = 0;
            while (true) {
                RangeResult r = store.range(range, at, 1000, keysOnly);
                at = r.revision();
                r.kvs().forEach(sink);
                if (!r.more() || r.kvs().isEmpty()) return;
                range = range.startingAt(Keys.successor(r.kvs().getLast().key()));
            }
        } catch (StoreException e) {
            throw failure(e);
        }
    }

    private byte[] encode(Owner owner) {
        ObjectNode v = Json.object().put("namespace", owner.namespace()).put("name", owner.name()).put("uid", owner.uid())
            .put("allocated", clock.instant().toString());
        return Json.bytes(v);
    }

    /** A record; one that cannot be read counts as owned by nobody, allocated long ago (repair removes it). */
    private static Entry decode(KeyValue kv) {
        try {
            ObjectNode v = Json.parseObject(kv.value());
            return new Entry(kv.keyString(), new Owner(v.path("namespace").asText(), v.path("name").asText(),
                v.path("uid").asText()), Instant.parse(v.path("allocated").asText()), kv.modRevision());
        } catch (RuntimeException unreadable) {
            return new Entry(kv.keyString(), new Owner("", "", ""), Instant.EPOCH, kv.modRevision());
        }
    }

    private static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private static StatusException failure(StoreException e) {
        return StatusException.unavailable("storage error: " + e.getMessage());
    }
}
