package dev.beluga.scheduler.framework;

import dev.beluga.api.labels.LabelSelector;
import dev.beluga.api.labels.Operator;
import dev.beluga.api.labels.Requirement;
import dev.beluga.scheduler.util.PodResources;
import dev.beluga.scheduler.util.Pods;
import dev.beluga.scheduler.util.Selectors;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pod with everything the plugins need precomputed once, when the pod enters the queue or the cache: requests
 * (and the non-zero variant used for scoring), host ports, parsed (anti-)affinity terms, PVC names, priority.
 *
 * <p>Immutable and thread-safe (the wrapped fabric8 {@link Pod} must not be modified by anyone). A changed pod gets
 * a new {@code PodInfo}.
 */
public final class PodInfo {
    private final Pod pod;
    private final String uid;
    private final String namespace;
    private final String name;
    private final Map<String, String> labels;
    private final int priority;
    private final Resource requests;
    private final long nonZeroMilliCpu;
    private final long nonZeroMemory;
    private final List<HostPort> hostPorts;
    private final List<AffinityTerm> requiredAffinityTerms;
    private final List<AffinityTerm> requiredAntiAffinityTerms;
    private final List<WeightedAffinityTerm> preferredAffinityTerms;
    private final List<WeightedAffinityTerm> preferredAntiAffinityTerms;
    private final List<String> pvcNames;
    private final String parseError;

    private PodInfo(Pod pod, int priority) {
        this.pod = pod;
        this.uid = Pods.uid(pod);
        this.namespace = Pods.namespace(pod);
        this.name = Pods.name(pod);
        this.labels = Pods.labels(pod);
        this.priority = priority;
        this.requests = PodResources.requests(pod);
        Resource nz = PodResources.nonZeroRequests(pod);
        this.nonZeroMilliCpu = nz.milliCpu;
        this.nonZeroMemory = nz.memory;
        this.hostPorts = hostPorts(pod);
        this.pvcNames = pvcNames(pod);
        List<AffinityTerm> ra = List.of();
        List<AffinityTerm> rna = List.of();
        List<WeightedAffinityTerm> pa = List.of();
        List<WeightedAffinityTerm> pna = List.of();
        String err = null;
        Affinity aff = pod.getSpec() == null ? null : pod.getSpec().getAffinity();
        if (aff != null) {
            try {
                if (aff.getPodAffinity() != null) {
                    ra = terms(aff.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution());
                    pa = weighted(aff.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution());
                }
                if (aff.getPodAntiAffinity() != null) {
                    rna = terms(aff.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution());
                    pna = weighted(aff.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution());
                }
            } catch (RuntimeException e) {
                err = e.getMessage();
                ra = rna = List.of();
                pa = pna = List.of();
            }
        }
        this.requiredAffinityTerms = ra;
        this.requiredAntiAffinityTerms = rna;
        this.preferredAffinityTerms = pa;
        this.preferredAntiAffinityTerms = pna;
        this.parseError = err;
    }

    /** Wraps a pod, its priority taken from {@code spec.priority} (0 when unset). */
    public static PodInfo of(Pod pod) {
        return new PodInfo(pod, Pods.priority(pod));
    }

    /** Wraps a pod with a priority resolved by the caller (e.g. from its PriorityClass when {@code spec.priority} is unset). */
    public static PodInfo of(Pod pod, int priority) {
        return new PodInfo(pod, priority);
    }

    private List<AffinityTerm> terms(List<PodAffinityTerm> terms) {
        if (terms == null || terms.isEmpty()) return List.of();
        List<AffinityTerm> out = new ArrayList<>(terms.size());
        for (PodAffinityTerm t : terms) out.add(term(t));
        return List.copyOf(out);
    }

    private List<WeightedAffinityTerm> weighted(List<WeightedPodAffinityTerm> terms) {
        if (terms == null || terms.isEmpty()) return List.of();
        List<WeightedAffinityTerm> out = new ArrayList<>(terms.size());
        for (WeightedPodAffinityTerm t : terms) {
            if (t.getPodAffinityTerm() == null) continue;
            int w = t.getWeight() == null ? 0 : t.getWeight();
            out.add(new WeightedAffinityTerm(term(t.getPodAffinityTerm()), w));
        }
        return List.copyOf(out);
    }

    private AffinityTerm term(PodAffinityTerm t) {
        LabelSelector selector = Selectors.of(t.getLabelSelector());
        List<Requirement> extra = new ArrayList<>();
        if (t.getMatchLabelKeys() != null && t.getLabelSelector() != null)
            for (String k : t.getMatchLabelKeys())
                if (labels.containsKey(k)) extra.add(new Requirement(k, Operator.IN, Set.of(labels.get(k))));
        if (t.getMismatchLabelKeys() != null && t.getLabelSelector() != null)
            for (String k : t.getMismatchLabelKeys())
                if (labels.containsKey(k)) extra.add(new Requirement(k, Operator.NOT_IN, Set.of(labels.get(k))));
        selector = Selectors.and(selector, extra);
        Set<String> ns = new HashSet<>();
        boolean noNamespaces = t.getNamespaces() == null || t.getNamespaces().isEmpty();
        if (noNamespaces && t.getNamespaceSelector() == null) ns.add(namespace);
        else if (!noNamespaces) ns.addAll(t.getNamespaces());
        LabelSelector nsSelector = Selectors.of(t.getNamespaceSelector());
        return new AffinityTerm(Set.copyOf(ns), selector, t.getTopologyKey() == null ? "" : t.getTopologyKey(), nsSelector);
    }

    private static List<HostPort> hostPorts(Pod pod) {
        if (pod.getSpec() == null) return List.of();
        List<HostPort> out = null;
        out = addPorts(out, pod.getSpec().getContainers(), false);
        out = addPorts(out, pod.getSpec().getInitContainers(), true);
        return out == null ? List.of() : List.copyOf(out);
    }

    private static List<HostPort> addPorts(List<HostPort> out, List<Container> containers, boolean sidecarsOnly) {
        if (containers == null) return out;
        for (Container c : containers) {
            if (sidecarsOnly && !"Always".equals(c.getRestartPolicy())) continue;
            if (c.getPorts() == null) continue;
            for (ContainerPort p : c.getPorts()) {
                if (p.getHostPort() == null || p.getHostPort() <= 0) continue;
                if (out == null) out = new ArrayList<>(2);
                out.add(new HostPort(p.getHostIP(), p.getProtocol(), p.getHostPort()));
            }
        }
        return out;
    }

    private static List<String> pvcNames(Pod pod) {
        if (pod.getSpec() == null || pod.getSpec().getVolumes() == null) return List.of();
        List<String> out = null;
        for (Volume v : pod.getSpec().getVolumes()) {
            String claim = null;
            if (v.getPersistentVolumeClaim() != null) claim = v.getPersistentVolumeClaim().getClaimName();
            else if (v.getEphemeral() != null) claim = Pods.name(pod) + "-" + v.getName();
            if (claim == null || claim.isEmpty()) continue;
            if (out == null) out = new ArrayList<>(2);
            out.add(claim);
        }
        return out == null ? List.of() : List.copyOf(out);
    }

    public Pod pod() {
        return pod;
    }

    /** The pod's UID ({@code namespace/name} when it has none). */
    public String uid() {
        return uid;
    }

    public String namespace() {
        return namespace;
    }

    public String name() {
        return name;
    }

    /** {@code namespace/name}. */
    public String key() {
        return namespace + "/" + name;
    }

    /** The pod's labels (never null). */
    public Map<String, String> labels() {
        return labels;
    }

    public int priority() {
        return priority;
    }

    /** Effective requests (init containers, sidecars, overhead, pod-level resources); do not modify. */
    public Resource requests() {
        return requests;
    }

    public long nonZeroMilliCpu() {
        return nonZeroMilliCpu;
    }

    public long nonZeroMemory() {
        return nonZeroMemory;
    }

    public List<HostPort> hostPorts() {
        return hostPorts;
    }

    public List<AffinityTerm> requiredAffinityTerms() {
        return requiredAffinityTerms;
    }

    public List<AffinityTerm> requiredAntiAffinityTerms() {
        return requiredAntiAffinityTerms;
    }

    public List<WeightedAffinityTerm> preferredAffinityTerms() {
        return preferredAffinityTerms;
    }

    public List<WeightedAffinityTerm> preferredAntiAffinityTerms() {
        return preferredAntiAffinityTerms;
    }

    /** True when the pod has any required or preferred pod (anti-)affinity. */
    public boolean hasAffinity() {
        return !requiredAffinityTerms.isEmpty() || !requiredAntiAffinityTerms.isEmpty()
            || !preferredAffinityTerms.isEmpty() || !preferredAntiAffinityTerms.isEmpty();
    }

    /** Names of the PVCs (in the pod's namespace) its volumes use, including generic ephemeral volumes' claims. */
    public List<String> pvcNames() {
        return pvcNames;
    }

    /** Why the pod's affinity could not be parsed, or null. */
    public String parseError() {
        return parseError;
    }

    public boolean isTerminating() {
        return Pods.isTerminating(pod);
    }

    @Override
    public String toString() {
        return "PodInfo{" + key() + ", priority=" + priority + "}";
    }
}
