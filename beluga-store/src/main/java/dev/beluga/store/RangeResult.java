package dev.beluga.store;

import java.util.List;

/**
 * The answer to a range read.
 *
 * @param kvs      the key-values found, in key order, at most {@code limit} of them
 * @param more     whether more keys in the range exist beyond those returned
 * @param count    the total number of keys in the range at the read revision
 * @param revision the revision the read was served at (the store's revision when the read asked for "current")
 */
public record RangeResult(List<KeyValue> kvs, boolean more, long count, long revision) {
}
