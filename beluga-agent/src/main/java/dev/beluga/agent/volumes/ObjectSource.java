package dev.beluga.agent.volumes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;

import java.util.List;
import java.util.Optional;

/**
 * The cluster objects the node agent reads while it prepares a container: ConfigMaps and Secrets (environment and
 * volumes), claims and volumes (persistentVolumeClaim volumes) and Services (service link variables). The agent
 * implements it over informer caches or API GETs; tests use an in-memory fake.
 *
 * <p>Contract: implementations are safe for concurrent use. An absent object is {@link Optional#empty()} (the
 * callers turn that into the kubelet's "not found" messages); any other failure to read (API server unreachable, cache
 * not synced, forbidden) is an {@link UnavailableException} whose message the callers report as is, whether or not the
 * reference is optional, as the kubelet does for errors other than NotFound. Returned objects are shared: callers never
 * modify them.
 */
public interface ObjectSource {
    Optional<ConfigMap> configMap(String namespace, String name);

    Optional<Secret> secret(String namespace, String name);

    Optional<PersistentVolumeClaim> persistentVolumeClaim(String namespace, String name);

    Optional<PersistentVolume> persistentVolume(String name);

    /** Every Service of the namespace (any type; the callers filter). */
    List<Service> services(String namespace);

    /** An object could not be read for a reason other than its absence. */
    final class UnavailableException extends RuntimeException {
        public UnavailableException(String message) {
            super(message);
        }

        public UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
