package dev.beluga.apiserver.registry;

/**
 * What a DELETE asks for.
 *
 * @param gracePeriodSeconds null for the object's default
 * @param propagationPolicy  null, "Orphan", "Background" or "Foreground"
 * @param preconditionUid    delete only if the uid matches (null = any)
 * @param preconditionRv     delete only if the resourceVersion matches (null = any)
 */
public record DeleteOptions(Long gracePeriodSeconds, String propagationPolicy, String preconditionUid,
                            String preconditionRv, boolean dryRun) {
    public static DeleteOptions defaults() {
        return new DeleteOptions(null, null, null, null, false);
    }
}
