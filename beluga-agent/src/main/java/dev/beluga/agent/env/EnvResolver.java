package dev.beluga.agent.env;

import dev.beluga.agent.volumes.ObjectData;
import dev.beluga.agent.volumes.ObjectSource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The environment of one container as the kubelet makes it (makeEnvironmentVariables).
 *
 * <ol>
 *   <li>Service link variables ({@link ServiceEnv}): the master service's always, the namespace's unless
 *       {@code enableServiceLinks} is false (null counts as the API default, true).</li>
 *   <li>{@code envFrom} in order: every key of the ConfigMap ({@code data} only) or Secret, with the prefix; keys the
 *       {@link EnvVarNameRule} rejects are skipped and reported in {@link ResolvedEnv#warnings()} with the kubelet's
 *       event text; a missing object is skipped when {@code optional}, else an error.</li>
 *   <li>{@code env} in order: a non-empty {@code value} is {@link Expansion expanded} against the variables defined so
 *       far (all of {@code envFrom}, the {@code env} entries before this one) and then the service variables; a
 *       reference to a later or unknown variable stays literal. Otherwise {@code valueFrom}: configMapKeyRef,
 *       secretKeyRef (a missing object or key is skipped when {@code optional}: the variable is then not set at all),
 *       fieldRef ({@link PodFields}) or resourceFieldRef ({@link ResourceFieldValues}, limits defaulted from the node's
 *       allocatable); values from {@code valueFrom} are never expanded. No value and no source gives the empty string.</li>
 * </ol>
 *
 * <p>Overriding: a later definition of a name replaces the value but keeps the position where the name first
 * appeared ({@code env} overrides {@code envFrom}, a later {@code envFrom} overrides an earlier one). The kubelet keeps
 * these in a Go map, so its order is unspecified; this keeps first-definition order, which is deterministic. The
 * result lists the container's variables first, then the service variables whose names the container did not define
 * (the kubelet appends the service variables last too); there are never duplicate names.
 *
 * <p>Within one call each ConfigMap and Secret is read once, so all references see the same version.
 *
 * <p>Errors ({@link EnvException}) carry the kubelet's messages: {@code configmap "x" not found},
 * {@code secret "x" not found}, {@code couldn't find key k in ConfigMap ns/x}, {@code couldn't find key k in Secret
 * ns/x}, and the field and resource selector messages. Secret values are decoded as UTF-8.
 *
 * <p>Thread-safety: stateless apart from the {@link ObjectSource}; safe for concurrent use when that is.
 */
public final class EnvResolver {
    private final ObjectSource objects;
    private final EnvVarNameRule nameRule;

    public EnvResolver(ObjectSource objects) {
        this(objects, EnvVarNameRule.RELAXED);
    }

    public EnvResolver(ObjectSource objects, EnvVarNameRule nameRule) {
        this.objects = objects;
        this.nameRule = nameRule;
    }

    /**
     * @param podIPs          the pod's IPs, preferred family first ({@code status.podIP} is the first)
     * @param hostIPs         the node's IPs, preferred family first
     * @param nodeAllocatable the node's allocatable resources (the fallback for missing limits)
     */
    public ResolvedEnv resolve(Pod pod, Container container, List<String> podIPs, List<String> hostIPs,
                               Map<String, Quantity> nodeAllocatable) throws EnvException {
        String ns = pod.getMetadata().getNamespace();
        boolean links = !Boolean.FALSE.equals(pod.getSpec().getEnableServiceLinks());
        Map<String, String> serviceEnv;
        try {
            serviceEnv = ServiceEnv.forPod(ns, links, objects);
        } catch (ObjectSource.UnavailableException e) {
            throw new EnvException(e.getMessage());
        }
        Lookups lookups = new Lookups(ns);
        Map<String, String> env = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();

        for (EnvFromSource from : list(container.getEnvFrom())) {
            String prefix = from.getPrefix() == null ? "" : from.getPrefix();
            if (from.getConfigMapRef() != null) {
                String name = from.getConfigMapRef().getName();
                Optional<Map<String, byte[]>> data = lookups.configMap(name, Boolean.TRUE.equals(from.getConfigMapRef().getOptional()));
                data.ifPresent(d -> addAll(env, d, prefix, "configMap", ns, name, warnings));
            } else if (from.getSecretRef() != null) {
                String name = from.getSecretRef().getName();
                Optional<Map<String, byte[]>> data = lookups.secret(name, Boolean.TRUE.equals(from.getSecretRef().getOptional()));
                data.ifPresent(d -> addAll(env, d, prefix, "secret", ns, name, warnings));
            }
        }

        for (EnvVar v : list(container.getEnv())) {
            String value = v.getValue() == null ? "" : v.getValue();
            EnvVarSource src = v.getValueFrom();
            if (!value.isEmpty()) {
                value = Expansion.expand(value, env, serviceEnv);
            } else if (src != null) {
                Optional<String> resolved = resolveSource(src, pod, container, podIPs, hostIPs, nodeAllocatable, lookups);
                if (resolved.isEmpty()) continue; // optional reference that is absent: the variable is not set
                value = resolved.get();
            }
            env.put(v.getName(), value);
        }

        List<EnvVariable> out = new ArrayList<>(env.size() + serviceEnv.size());
        env.forEach((k, val) -> out.add(new EnvVariable(k, val)));
        serviceEnv.forEach((k, val) -> {
            if (!env.containsKey(k)) out.add(new EnvVariable(k, val));
        });
        return new ResolvedEnv(out, warnings);
    }

    private Optional<String> resolveSource(EnvVarSource src, Pod pod, Container container, List<String> podIPs,
                                           List<String> hostIPs, Map<String, Quantity> allocatable, Lookups lookups) throws EnvException {
        try {
            if (src.getFieldRef() != null) return Optional.of(PodFields.forEnv(pod, src.getFieldRef(), podIPs, hostIPs));
            if (src.getResourceFieldRef() != null) {
                return Optional.of(ResourceFieldValues.value(pod, container, src.getResourceFieldRef(), allocatable));
            }
        } catch (IllegalArgumentException e) {
            throw new EnvException(e.getMessage());
        }
        if (src.getConfigMapKeyRef() != null) {
            var ref = src.getConfigMapKeyRef();
            boolean optional = Boolean.TRUE.equals(ref.getOptional());
            Optional<Map<String, byte[]>> data = lookups.configMap(ref.getName(), optional);
            if (data.isEmpty()) return Optional.empty();
            byte[] v = data.get().get(ref.getKey());
            if (v == null) {
                if (optional) return Optional.empty();
                throw new EnvException("couldn't find key " + ref.getKey() + " in ConfigMap " + lookups.namespace + "/" + ref.getName());
            }
            return Optional.of(new String(v, StandardCharsets.UTF_8));
        }
        if (src.getSecretKeyRef() != null) {
            var ref = src.getSecretKeyRef();
            boolean optional = Boolean.TRUE.equals(ref.getOptional());
            Optional<Map<String, byte[]>> data = lookups.secret(ref.getName(), optional);
            if (data.isEmpty()) return Optional.empty();
            byte[] v = data.get().get(ref.getKey());
            if (v == null) {
                if (optional) return Optional.empty();
                throw new EnvException("couldn't find key " + ref.getKey() + " in Secret " + lookups.namespace + "/" + ref.getName());
            }
            return Optional.of(new String(v, StandardCharsets.UTF_8));
        }
        return Optional.of(""); // a source kind this agent does not know (fileKeyRef is feature-gated upstream)
    }

    private void addAll(Map<String, String> env, Map<String, byte[]> data, String prefix, String kind, String ns,
                        String name, List<String> warnings) {
        List<String> invalid = new ArrayList<>();
        data.forEach((k, v) -> {
            String key = prefix + k;
            if (!nameRule.accepts(key)) {
                invalid.add(key);
                return;
            }
            env.put(key, new String(v, StandardCharsets.UTF_8));
        });
        if (!invalid.isEmpty()) {
            invalid.sort(null);
            warnings.add("Keys [" + String.join(", ", invalid) + "] from the EnvFrom " + kind + " " + ns + "/" + name
                + " were skipped since they are considered invalid environment variable names.");
        }
    }

    /** The ConfigMaps and Secrets read during one call, each read at most once. */
    private final class Lookups {
        final String namespace;
        private final Map<String, Optional<Map<String, byte[]>>> configMaps = new HashMap<>();
        private final Map<String, Optional<Map<String, byte[]>>> secrets = new HashMap<>();

        Lookups(String namespace) {
            this.namespace = namespace;
        }

        /** The data (empty when absent and optional). */
        Optional<Map<String, byte[]>> configMap(String name, boolean optional) throws EnvException {
            Optional<Map<String, byte[]>> data = configMaps.get(name);
            if (data == null) {
                Optional<ConfigMap> cm = read(() -> objects.configMap(namespace, name));
                data = cm.map(ObjectData::configMapText);
                configMaps.put(name, data);
            }
            if (data.isEmpty() && !optional) throw new EnvException("configmap " + GoStrings.quote(name) + " not found");
            return data;
        }

        Optional<Map<String, byte[]>> secret(String name, boolean optional) throws EnvException {
            Optional<Map<String, byte[]>> data = secrets.get(name);
            if (data == null) {
                Optional<Secret> s = read(() -> objects.secret(namespace, name));
                data = s.map(ObjectData::secret);
                secrets.put(name, data);
            }
            if (data.isEmpty() && !optional) throw new EnvException("secret " + GoStrings.quote(name) + " not found");
            return data;
        }

        private <T> Optional<T> read(java.util.function.Supplier<Optional<T>> read) throws EnvException {
            try {
                return read.get();
            } catch (ObjectSource.UnavailableException e) {
                throw new EnvException(e.getMessage());
            }
        }
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }
}
