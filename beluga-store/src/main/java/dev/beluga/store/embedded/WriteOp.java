package dev.beluga.store.embedded;

import dev.beluga.store.WriteResult;

import java.util.concurrent.CompletableFuture;

/** A write waiting for the commit thread. {@code expected} is the expected modRevision (0 = any). */
record WriteOp(Kind kind, byte[] key, byte[] value, long expected, CompletableFuture<WriteResult> result) {
    enum Kind { CREATE, UPDATE, PUT, DELETE }

    WriteOp(Kind kind, byte[] key, byte[] value, long expected) {
        this(kind, key, value, expected, new CompletableFuture<>());
    }

    int weight() {
        return key.length + (value == null ? 0 : value.length) + 64;
    }
}
