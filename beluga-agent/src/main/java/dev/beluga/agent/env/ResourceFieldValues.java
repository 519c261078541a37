package dev.beluga.agent.env;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Downward API {@code resourceFieldRef} values, as the kubelet computes them for environment variables and downward
 * API volumes.
 *
 * <p>The container is the one named by {@code containerName} (regular, then init containers; error
 * {@code container NAME not found}), or {@code self} when the name is empty. Limits of cpu, memory and
 * ephemeral-storage that are missing or zero fall back to the node's allocatable amount (MergeContainerResourceLimits);
 * requests never do. The resource is one of {@code limits.cpu}, {@code limits.memory}, {@code limits.ephemeral-storage},
 * {@code requests.cpu}, {@code requests.memory}, {@code requests.ephemeral-storage}, {@code limits.hugepages-*},
 * {@code requests.hugepages-*}; others fail with {@code unsupported container resource : R}.
 *
 * <p>The value is the ceiling of quantity / divisor as a decimal integer (divisor absent or zero means 1; a zero or
 * negative quantity gives {@code 0}; results beyond a signed 64-bit integer saturate), so {@code limits.cpu} of 250m
 * with divisor 1 is {@code 1} and with divisor 1m is {@code 250}. Errors are {@link IllegalArgumentException}s with the
 * kubelet's message. Pure functions.
 */
public final class ResourceFieldValues {
    private static final List<String> DEFAULTED_LIMITS = List.of("cpu", "memory", "ephemeral-storage");
    private static final BigDecimal MAX = new BigDecimal(BigInteger.valueOf(Long.MAX_VALUE));

    private ResourceFieldValues() {
    }

    public static String value(Pod pod, Container self, ResourceFieldSelector selector, Map<String, Quantity> nodeAllocatable) {
        Container c = container(pod, self, selector.getContainerName());
        String resource = selector.getResource() == null ? "" : selector.getResource();
        BigDecimal divisor = amount(selector.getDivisor());
        if (divisor == null || divisor.signum() == 0) divisor = BigDecimal.ONE;
        Map<String, Quantity> limits = c.getResources() == null || c.getResources().getLimits() == null ? Map.of() : c.getResources().getLimits();
        Map<String, Quantity> requests = c.getResources() == null || c.getResources().getRequests() == null ? Map.of() : c.getResources().getRequests();
        Quantity q;
        if (resource.startsWith("limits.")) {
            String name = resource.substring("limits.".length());
            if (!DEFAULTED_LIMITS.contains(name) && !name.startsWith("hugepages-")) throw unsupported(resource);
            q = limits.get(name);
            if (DEFAULTED_LIMITS.contains(name) && isZero(q) && nodeAllocatable != null) q = nodeAllocatable.get(name);
        } else if (resource.startsWith("requests.")) {
            String name = resource.substring("requests.".length());
            if (!DEFAULTED_LIMITS.contains(name) && !name.startsWith("hugepages-")) throw unsupported(resource);
            q = requests.get(name);
        } else {
            throw unsupported(resource);
        }
        return ceilingRatio(amount(q), divisor);
    }

    static String ceilingRatio(BigDecimal quantity, BigDecimal divisor) {
        if (quantity == null || quantity.signum() <= 0 || divisor.signum() <= 0) return "0";
        BigDecimal r = quantity.divide(divisor, 0, RoundingMode.CEILING);
        return r.compareTo(MAX) > 0 ? String.valueOf(Long.MAX_VALUE) : r.toBigInteger().toString();
    }

    private static Container container(Pod pod, Container self, String name) {
        if (name == null || name.isEmpty()) return self;
        return Stream.concat(list(pod.getSpec().getContainers()).stream(), list(pod.getSpec().getInitContainers()).stream())
            .filter(c -> name.equals(c.getName())).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("container " + name + " not found"));
    }

    private static boolean isZero(Quantity q) {
        BigDecimal a = amount(q);
        return a == null || a.signum() == 0;
    }

    private static BigDecimal amount(Quantity q) {
        if (q == null || q.getAmount() == null || q.getAmount().isEmpty()) return null;
        try {
            return q.getNumericalAmount();
        } catch (ArithmeticException | IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid quantity " + q + ": " + e.getMessage());
        }
    }

    private static IllegalArgumentException unsupported(String resource) {
        return new IllegalArgumentException("unsupported container resource : " + resource);
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }
}
