package dev.beluga.apiserver.registry;

import java.util.List;

/**
 * A page of a list: the objects, the revision it is consistent at, the continue token for the next page (null on the
 * last page) and how many items remain after it (null when unknown).
 */
public record ListResult(List<CachedObject> items, long revision, String continueToken, Long remainingItemCount) {
}
