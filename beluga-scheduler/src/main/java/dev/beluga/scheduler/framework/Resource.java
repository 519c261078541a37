package dev.beluga.scheduler.framework;

import dev.beluga.scheduler.util.Quantities;
import dev.beluga.scheduler.util.ResourceNames;
import io.fabric8.kubernetes.api.model.Quantity;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ObjLongConsumer;

/**
 * A vector of resource amounts in the scheduler's units: CPU in millicores, memory and ephemeral storage in bytes,
 * an allowed pod count, and "scalar" resources (hugepages, attachable volumes, extended resources) by name.
 *
 * <p>Mutable and not thread-safe: a {@code Resource} is owned by one {@link NodeInfo} or {@link PodInfo}; those
 * held by a {@link PodInfo} are never changed after construction.
 */
public final class Resource {
    public long milliCpu;
    public long memory;
    public long ephemeralStorage;
    public long allowedPodNumber;
    private Map<String, Long> scalar;

    public Resource() {
    }

    public Resource(long milliCpu, long memory) {
        this.milliCpu = milliCpu;
        this.memory = memory;
    }

    /** Reads a resource list ({@code requests}, {@code allocatable}, {@code overhead}); null means empty. */
    public static Resource of(Map<String, Quantity> list) {
        Resource r = new Resource();
        if (list != null) r.add(list);
        return r;
    }

    /** Adds every amount of a resource list (upstream's {@code Resource.Add}); unknown native names are ignored. */
    public void add(Map<String, Quantity> list) {
        if (list == null) return;
        for (Map.Entry<String, Quantity> e : list.entrySet()) {
            String name = e.getKey();
            switch (name) {
                case ResourceNames.CPU -> milliCpu += Quantities.milliValue(e.getValue());
                case ResourceNames.MEMORY -> memory += Quantities.value(e.getValue());
                case ResourceNames.EPHEMERAL_STORAGE -> ephemeralStorage += Quantities.value(e.getValue());
                case ResourceNames.PODS -> allowedPodNumber += Quantities.value(e.getValue());
                default -> {
                    if (ResourceNames.isScalar(name)) addScalar(name, Quantities.value(e.getValue()));
                }
            }
        }
    }

    /** Adds another vector to this one. */
    public void add(Resource o) {
        milliCpu += o.milliCpu;
        memory += o.memory;
        ephemeralStorage += o.ephemeralStorage;
        allowedPodNumber += o.allowedPodNumber;
        if (o.scalar != null) o.scalar.forEach(this::addScalar);
    }

    /** Subtracts another vector from this one. */
    public void subtract(Resource o) {
        milliCpu -= o.milliCpu;
        memory -= o.memory;
        ephemeralStorage -= o.ephemeralStorage;
        allowedPodNumber -= o.allowedPodNumber;
        if (o.scalar != null) o.scalar.forEach((k, v) -> addScalar(k, -v));
    }

    /** Sets each amount to the larger of this and the other vector (upstream's {@code SetMaxResource}). */
    public void max(Resource o) {
        milliCpu = Math.max(milliCpu, o.milliCpu);
        memory = Math.max(memory, o.memory);
        ephemeralStorage = Math.max(ephemeralStorage, o.ephemeralStorage);
        allowedPodNumber = Math.max(allowedPodNumber, o.allowedPodNumber);
        if (o.scalar != null) o.scalar.forEach((k, v) -> {
            if (v > scalar(k)) setScalar(k, v);
        });
    }

    public long scalar(String name) {
        if (scalar == null) return 0;
        Long v = scalar.get(name);
        return v == null ? 0 : v;
    }

    public boolean hasScalar(String name) {
        return scalar != null && scalar.containsKey(name);
    }

    public void setScalar(String name, long value) {
        if (scalar == null) scalar = new HashMap<>(4);
        scalar.put(name, value);
    }

    public void addScalar(String name, long delta) {
        if (scalar == null) scalar = new HashMap<>(4);
        scalar.merge(name, delta, Long::sum);
    }

    /** The scalar resources by name (read-only view; empty when none). */
    public Map<String, Long> scalars() {
        return scalar == null ? Map.of() : Collections.unmodifiableMap(scalar);
    }

    public void forEachScalar(ObjLongConsumer<String> action) {
        if (scalar != null) scalar.forEach(action::accept);
    }

    /** The amount of a named resource ({@code cpu} in millicores); 0 when absent. */
    public long get(String name) {
        return switch (name) {
            case ResourceNames.CPU -> milliCpu;
            case ResourceNames.MEMORY -> memory;
            case ResourceNames.EPHEMERAL_STORAGE -> ephemeralStorage;
            case ResourceNames.PODS -> allowedPodNumber;
            default -> scalar(name);
        };
    }

    /** True when no amount is set (a best-effort request). */
    public boolean isZero() {
        if (milliCpu != 0 || memory != 0 || ephemeralStorage != 0) return false;
        if (scalar != null) for (long v : scalar.values()) if (v != 0) return false;
        return true;
    }

    public Resource copy() {
        Resource r = new Resource();
        r.milliCpu = milliCpu;
        r.memory = memory;
        r.ephemeralStorage = ephemeralStorage;
        r.allowedPodNumber = allowedPodNumber;
        if (scalar != null) r.scalar = new HashMap<>(scalar);
        return r;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Resource r && r.milliCpu == milliCpu && r.memory == memory
            && r.ephemeralStorage == ephemeralStorage && r.allowedPodNumber == allowedPodNumber
            && r.scalars().equals(scalars());
    }

    @Override
    public int hashCode() {
        return Long.hashCode(milliCpu) * 31 + Long.hashCode(memory);
    }

    @Override
    public String toString() {
        return "Resource{cpu=" + milliCpu + "m, memory=" + memory + ", ephemeral-storage=" + ephemeralStorage
            + ", pods=" + allowedPodNumber + (scalar == null ? "" : ", " + scalar) + "}";
    }
}
