package dev.beluga.agent.volumes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** An in-memory {@link ObjectSource} for tests, counting reads; {@link #unavailable} makes every read fail. */
public final class FakeObjectSource implements ObjectSource {
    private final Map<String, ConfigMap> configMaps = new ConcurrentHashMap<>();
    private final Map<String, Secret> secrets = new ConcurrentHashMap<>();
    private final Map<String, PersistentVolumeClaim> claims = new ConcurrentHashMap<>();
    private final Map<String, PersistentVolume> volumes = new ConcurrentHashMap<>();
    private final Map<String, Service> services = new ConcurrentHashMap<>();
    public final AtomicInteger configMapReads = new AtomicInteger();
    public final AtomicInteger secretReads = new AtomicInteger();
    public volatile String unavailable;

    public FakeObjectSource configMap(String ns, String name, Map<String, String> data) {
        return put(new ConfigMapBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata().withData(new TreeMap<>(data)).build());
    }

    public FakeObjectSource put(ConfigMap cm) {
        configMaps.put(key(cm.getMetadata().getNamespace(), cm.getMetadata().getName()), cm);
        return this;
    }

    /** A Secret with the given plain-text values (encoded to base64 as the API returns them). */
    public FakeObjectSource secret(String ns, String name, Map<String, String> plain) {
        Map<String, String> data = new TreeMap<>();
        plain.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        return put(new SecretBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata().withData(data).build());
    }

    public FakeObjectSource put(Secret s) {
        secrets.put(key(s.getMetadata().getNamespace(), s.getMetadata().getName()), s);
        return this;
    }

    public FakeObjectSource put(PersistentVolumeClaim c) {
        claims.put(key(c.getMetadata().getNamespace(), c.getMetadata().getName()), c);
        return this;
    }

    public FakeObjectSource put(PersistentVolume v) {
        volumes.put(v.getMetadata().getName(), v);
        return this;
    }

    public FakeObjectSource put(Service s) {
        services.put(key(s.getMetadata().getNamespace(), s.getMetadata().getName()), s);
        return this;
    }

    public void removeConfigMap(String ns, String name) {
        configMaps.remove(key(ns, name));
    }

    public void removeSecret(String ns, String name) {
        secrets.remove(key(ns, name));
    }

    @Override
    public Optional<ConfigMap> configMap(String namespace, String name) {
        check();
        configMapReads.incrementAndGet();
        return Optional.ofNullable(configMaps.get(key(namespace, name)));
    }

    @Override
    public Optional<Secret> secret(String namespace, String name) {
        check();
        secretReads.incrementAndGet();
        return Optional.ofNullable(secrets.get(key(namespace, name)));
    }

    @Override
    public Optional<PersistentVolumeClaim> persistentVolumeClaim(String namespace, String name) {
        check();
        return Optional.ofNullable(claims.get(key(namespace, name)));
    }

    @Override
    public Optional<PersistentVolume> persistentVolume(String name) {
        check();
        return Optional.ofNullable(volumes.get(name));
    }

    @Override
    public List<Service> services(String namespace) {
        check();
        List<Service> out = new ArrayList<>();
        services.forEach((k, v) -> {
            if (k.startsWith(namespace + "/")) out.add(v);
        });
        return out;
    }

    private void check() {
        if (unavailable != null) throw new UnavailableException(unavailable);
    }

    private static String key(String ns, String name) {
        return ns + "/" + name;
    }
}
