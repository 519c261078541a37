package dev.beluga.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.util.List;

/**
 * The node agent's one JSON/YAML serialization for Kubernetes objects: fabric8's, configured the same way (so JSON
 * written by it is byte-for-byte what {@code io.fabric8.kubernetes.client.utils.Serialization} writes — container
 * hashes stay stable across versions), but without fabric8's class-path scan, which registers every kind of every
 * model module (~570 classes: Gateway API, flow control, resource claims...) the first time anything is deserialized.
 * An agent needs a few kinds; the rest cost it ~4 MiB of metaspace and heap for nothing.
 *
 * <p>Contract: typed reads ({@code unmarshal(json, Pod.class)}, list types, request bodies) work for every type.
 * Polymorphic reads — a watch event's {@code object}, an untyped {@code unmarshal(text)} — resolve only the kinds in
 * {@link #KINDS} and give a {@code GenericKubernetesResource} for others, so a kind the agent, its service proxy or its
 * DNS server watches must be listed there. Code of the agent uses {@link #INSTANCE} and never the static
 * {@code Serialization} utility (which would do the scan). Thread-safe.
 */
public final class AgentSerialization {
    /** Kinds the agent's informers and watches receive (and {@code Status}, the object of a watch's ERROR event). */
    public static final List<Class<? extends KubernetesResource>> KINDS = List.of(Pod.class, Node.class, Service.class,
        Endpoints.class, EndpointSlice.class, ConfigMap.class, Secret.class, Namespace.class, Lease.class, Event.class,
        PersistentVolume.class, PersistentVolumeClaim.class, ServiceAccount.class, Status.class);

    /** The shared instance. */
    public static final KubernetesSerialization INSTANCE = create();

    private AgentSerialization() {}

    private static KubernetesSerialization create() {
        KubernetesSerialization s = new KubernetesSerialization(new ObjectMapper(), false);
        for (Class<? extends KubernetesResource> kind : KINDS) s.registerKubernetesResource(kind);
        return s;
    }
}
