package dev.beluga.agent.pods;

import dev.beluga.agent.volumes.ObjectSource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The cluster objects a pod refers to, read from the API server when needed (one GET each; the kubelet's "Get"
 * change-detection strategy). A missing object is empty; any other failure is {@link UnavailableException}.
 * Thread-safe.
 */
public final class ApiObjectSource implements ObjectSource {
    private final KubernetesClient client;

    public ApiObjectSource(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Optional<ConfigMap> configMap(String namespace, String name) {
        return get(() -> client.configMaps().inNamespace(namespace).withName(name).get(), "configmap", namespace, name);
    }

    @Override
    public Optional<Secret> secret(String namespace, String name) {
        return get(() -> client.secrets().inNamespace(namespace).withName(name).get(), "secret", namespace, name);
    }

    @Override
    public Optional<PersistentVolumeClaim> persistentVolumeClaim(String namespace, String name) {
        return get(() -> client.persistentVolumeClaims().inNamespace(namespace).withName(name).get(), "persistentvolumeclaim", namespace, name);
    }

    @Override
    public Optional<PersistentVolume> persistentVolume(String name) {
        return get(() -> client.persistentVolumes().withName(name).get(), "persistentvolume", "", name);
    }

    @Override
    public List<Service> services(String namespace) {
        try {
            return client.services().inNamespace(namespace).list().getItems();
        } catch (KubernetesClientException e) {
            throw new UnavailableException("listing services in " + namespace + ": " + e.getMessage(), e);
        }
    }

    private static <T> Optional<T> get(Supplier<T> read, String kind, String namespace, String name) {
        try {
            return Optional.ofNullable(read.get());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) return Optional.empty();
            throw new UnavailableException("reading " + kind + " " + (namespace.isEmpty() ? "" : namespace + "/") + name
                + ": " + e.getMessage(), e);
        }
    }
}
