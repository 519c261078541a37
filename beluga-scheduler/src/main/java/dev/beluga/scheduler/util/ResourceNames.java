package dev.beluga.scheduler.util;

/** Resource name classification as in upstream's {@code v1helper} and scheduler {@code schedutil}. */
public final class ResourceNames {
    public static final String CPU = "cpu";
    public static final String MEMORY = "memory";
    public static final String EPHEMERAL_STORAGE = "ephemeral-storage";
    public static final String PODS = "pods";
    public static final String HUGEPAGES_PREFIX = "hugepages-";
    public static final String ATTACHABLE_VOLUMES_PREFIX = "attachable-volumes-";

    private ResourceNames() {
    }

    /** True for names in the {@code kubernetes.io/} domain or without a domain. */
    public static boolean isNative(String name) {
        return !name.contains("/") || name.startsWith("kubernetes.io/");
    }

    /** Extended resources: a domain other than {@code kubernetes.io}, not a {@code requests.} quota name. */
    public static boolean isExtended(String name) {
        return !isNative(name) && !name.startsWith("requests.");
    }

    /** Hugepages, attachable volumes and extended resources: counted as "scalar resources" by the scheduler. */
    public static boolean isScalar(String name) {
        return isExtended(name) || name.startsWith(HUGEPAGES_PREFIX) || name.startsWith(ATTACHABLE_VOLUMES_PREFIX);
    }
}
