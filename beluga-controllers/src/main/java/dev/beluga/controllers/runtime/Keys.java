package dev.beluga.controllers.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Work-queue keys as client-go's {@code MetaNamespaceKeyFunc}: {@code namespace/name}, or {@code name} when cluster-scoped. */
public final class Keys {
    private Keys() {
    }

    public static String of(HasMetadata o) {
        return of(o.getMetadata().getNamespace(), o.getMetadata().getName());
    }

    public static String of(String namespace, String name) {
        return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
    }

    /** The namespace of a key ("" when cluster-scoped). */
    public static String namespace(String key) {
        int i = key.indexOf('/');
        return i < 0 ? "" : key.substring(0, i);
    }

    /** The name of a key. */
    public static String name(String key) {
        int i = key.indexOf('/');
        return i < 0 ? key : key.substring(i + 1);
    }
}
