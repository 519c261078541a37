package dev.beluga.apiserver.registry;

/**
 * The query of a list or watch request.
 *
 * @param resourceVersion      null when unset; "0" means any; otherwise a revision
 * @param resourceVersionMatch null, "NotOlderThan" or "Exact"
 */
public record ListOptions(String labelSelector, String fieldSelector, int limit, String continueToken,
                          String resourceVersion, String resourceVersionMatch, boolean allowWatchBookmarks,
                          Long timeoutSeconds, Boolean sendInitialEvents) {

    public static ListOptions all() {
        return new ListOptions(null, null, 0, null, null, null, false, null, null);
    }

    public boolean resourceVersionUnset() {
        return resourceVersion == null || resourceVersion.isEmpty();
    }
}
