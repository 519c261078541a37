package dev.beluga.store;

/**
 * The API server's only persistence: a multi-version key-value store with the semantics of the etcd v3 KV API.
 *
 * <ul>
 *   <li>A single global revision increases by one with every write; every write returns it. Each key-value carries
 *       its createRevision, modRevision and version.</li>
 *   <li>Reads are consistent: a range at revision R sees exactly the writes with revision &lt;= R.</li>
 *   <li>Writes are atomic and, once a method returns, durable (they survive a crash of the process or the machine).
 *       Conditional writes either apply entirely or throw {@link PreconditionFailedException} saying which
 *       precondition failed; nothing changes then.</li>
 *   <li>A watch from revision R delivers every event with revision &gt; R in the range, in revision order, each
 *       exactly once, with the previous key-value.</li>
 *   <li>{@link #compact(long)} discards history older than a revision; reads and watches that need it fail with
 *       {@link CompactedException}.</li>
 * </ul>
 *
 * <p>Threading: all methods are thread-safe and may block (they are meant to be called from virtual threads).
 * Implementations: the embedded store (default, durable on local disk) and the etcd v3 store (for HA). Both pass the
 * same conformance suite.
 */
public interface KvStore extends AutoCloseable {

    /** Largest value accepted: 1.5 MiB, like etcd's default request limit. */
    int MAX_VALUE_BYTES = 1536 * 1024;
    /** Largest key accepted. */
    int MAX_KEY_BYTES = 4096;

    /** A short name for logs and metrics, e.g. "embedded" or "etcd". */
    String backendName();

    /** The revision of the last committed write (0 for an empty store). */
    long currentRevision();

    /** The revision history was last compacted at (0 if never): reads below it fail. */
    long compactedRevision();

    /**
     * Reads the keys in {@code range} as of {@code revision} (0 = current), in key order.
     *
     * @param limit    at most this many key-values are returned (0 = no limit); {@link RangeResult#more()} tells
     *                 whether more exist. To continue, range again at the returned revision from
     *                 {@link Keys#successor(byte[])} of the last key.
     * @param keysOnly when true, values are returned empty
     * @throws CompactedException      if revision is older than the compaction point
     * @throws FutureRevisionException if revision is newer than the current revision
     */
    RangeResult range(KeyRange range, long revision, int limit, boolean keysOnly);

    /** The current value of {@code key}, or null. */
    default KeyValue get(byte[] key) {
        RangeResult r = range(KeyRange.single(key), 0, 1, false);
        return r.kvs().isEmpty() ? null : r.kvs().get(0);
    }

    /** Creates {@code key}; fails with {@link PreconditionFailedException.Reason#KEY_EXISTS} if it exists. */
    WriteResult create(byte[] key, byte[] value);

    /**
     * Replaces the value of an existing key.
     *
     * @param expectedModRevision the modRevision the key must have (compare-and-swap), or 0 to require only that it
     *                            exists
     * @throws PreconditionFailedException KEY_NOT_FOUND or MOD_REVISION_MISMATCH
     */
    WriteResult update(byte[] key, byte[] value, long expectedModRevision);

    /** Writes {@code key} whether or not it exists. */
    WriteResult put(byte[] key, byte[] value);

    /**
     * Deletes {@code key}.
     *
     * @param expectedModRevision the modRevision the key must have, or 0 for any
     * @return the result; {@link WriteResult#previous()} holds the deleted key-value
     * @throws PreconditionFailedException KEY_NOT_FOUND or MOD_REVISION_MISMATCH
     */
    WriteResult delete(byte[] key, long expectedModRevision);

    /**
     * Starts a watch of {@code range} delivering every event with revision &gt; {@code afterRevision}.
     *
     * @throws CompactedException if events after {@code afterRevision} are no longer all available
     */
    Watch watch(KeyRange range, long afterRevision, WatchListener listener);

    /**
     * Discards history before {@code revision}: afterwards the state at {@code revision} and later stays readable,
     * older revisions do not. Compacting to a revision at or below the current compaction point does nothing.
     *
     * @throws FutureRevisionException if revision is newer than the current revision
     */
    void compact(long revision);

    /** Releases resources; watches end with {@link StoreClosedException}. Idempotent. */
    @Override
    void close();

    /** Checks a write's sizes against the limits. Implementations call this before writing. */
    static void checkSizes(byte[] key, byte[] value) {
        if (key == null || key.length == 0) throw new RequestTooLargeException("key must not be empty");
        if (key.length > MAX_KEY_BYTES)
            throw new RequestTooLargeException("key is " + key.length + " bytes, over the limit of " + MAX_KEY_BYTES);
        if (value != null && value.length > MAX_VALUE_BYTES)
            throw new RequestTooLargeException("value of key " + new String(key, java.nio.charset.StandardCharsets.UTF_8)
                + " is " + value.length + " bytes, over the limit of " + MAX_VALUE_BYTES + " (1.5 MiB)");
    }
}
