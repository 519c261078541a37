package dev.beluga.apiserver.registry;

/** Which objects a list or watch wants: namespace, label selector and field selector together. */
@FunctionalInterface
public interface ObjectFilter {
    ObjectFilter ALL = o -> true;

    boolean matches(CachedObject object);
}
