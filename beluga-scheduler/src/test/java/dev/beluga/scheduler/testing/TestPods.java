package dev.beluga.scheduler.testing;

import dev.beluga.scheduler.framework.PodInfo;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinity;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.PodSchedulingGate;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fluent builder of fabric8 {@link Pod}s for scheduler tests, e.g.
 * {@code TestPods.pod("p").cpu("500m").memory("1Gi").label("app", "web").priority(100).node("n1").build()}.
 *
 * <p>Resource methods ({@link Builder#cpu}, {@link Builder#memory}, {@link Builder#request}, {@link Builder#hostPort},
 * {@link Builder#image}) act on the pod's first app container, created on demand; {@link Builder#container} and
 * {@link Builder#initContainer} add more containers. The UID defaults to {@code namespace/name}.
 */
public final class TestPods {
    private TestPods() {
    }

    public static Builder pod(String name) {
        return new Builder(name);
    }

    /** A label selector with {@code matchLabels} from alternating keys and values. */
    public static LabelSelector selector(String... kv) {
        LabelSelector s = new LabelSelector();
        s.setMatchLabels(pairs(kv));
        return s;
    }

    /** A label selector with one expression. */
    public static LabelSelector selectorExpr(String key, String operator, String... values) {
        LabelSelector s = new LabelSelector();
        s.setMatchExpressions(new ArrayList<>(List.of(new LabelSelectorRequirement(key, operator, List.of(values)))));
        return s;
    }

    /** A pod (anti-)affinity term selecting pods by {@code matchLabels} in the owning pod's namespace. */
    public static PodAffinityTerm term(String topologyKey, String... kv) {
        PodAffinityTerm t = new PodAffinityTerm();
        t.setTopologyKey(topologyKey);
        t.setLabelSelector(selector(kv));
        return t;
    }

    /** A node selector requirement ({@code In}, {@code NotIn}, {@code Exists}, {@code DoesNotExist}, {@code Gt}, {@code Lt}). */
    public static NodeSelectorRequirement req(String key, String operator, String... values) {
        return new NodeSelectorRequirement(key, operator, values.length == 0 ? null : new ArrayList<>(List.of(values)));
    }

    static Map<String, String> pairs(String... kv) {
        if (kv.length % 2 != 0) throw new IllegalArgumentException("keys and values must alternate");
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    public static final class Builder {
        private final String name;
        private String namespace = "default";
        private String uid;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final List<Container> containers = new ArrayList<>();
        private final List<Container> initContainers = new ArrayList<>();
        private Map<String, Quantity> overhead;
        private final List<Toleration> tolerations = new ArrayList<>();
        private Map<String, String> nodeSelector;
        private List<NodeSelectorTerm> requiredNodeTerms;
        private final List<PreferredSchedulingTerm> preferredNodeTerms = new ArrayList<>();
        private final List<PodAffinityTerm> podAffinity = new ArrayList<>();
        private final List<PodAffinityTerm> podAntiAffinity = new ArrayList<>();
        private final List<WeightedPodAffinityTerm> preferredPodAffinity = new ArrayList<>();
        private final List<WeightedPodAffinityTerm> preferredPodAntiAffinity = new ArrayList<>();
        private final List<TopologySpreadConstraint> spread = new ArrayList<>();
        private final List<OwnerReference> owners = new ArrayList<>();
        private final List<PodSchedulingGate> gates = new ArrayList<>();
        private Integer priority;
        private String nodeName;
        private String preemptionPolicy;
        private String nominatedNodeName;
        private String startTime;
        private String deletionTimestamp;
        private String schedulerName;
        private String phase;

        private Builder(String name) {
            this.name = name;
        }

        private Container main() {
            if (containers.isEmpty()) containers.add(newContainer("c0"));
            return containers.get(0);
        }

        private static Container newContainer(String name) {
            Container c = new Container();
            c.setName(name);
            c.setImage("registry.k8s.io/pause:3.10");
            return c;
        }

        private static void setRequest(Container c, String resource, String quantity) {
            if (c.getResources() == null) c.setResources(new ResourceRequirements());
            if (c.getResources().getRequests() == null) c.getResources().setRequests(new LinkedHashMap<>());
            c.getResources().getRequests().put(resource, new Quantity(quantity));
        }

        private static Container withRequests(String name, String cpu, String memory) {
            Container c = newContainer(name);
            if (cpu != null) setRequest(c, "cpu", cpu);
            if (memory != null) setRequest(c, "memory", memory);
            return c;
        }

        public Builder namespace(String ns) {
            this.namespace = ns;
            return this;
        }

        public Builder uid(String uid) {
            this.uid = uid;
            return this;
        }

        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        /** CPU request of the first app container. */
        public Builder cpu(String quantity) {
            setRequest(main(), "cpu", quantity);
            return this;
        }

        /** Memory request of the first app container. */
        public Builder memory(String quantity) {
            setRequest(main(), "memory", quantity);
            return this;
        }

        /** Any request of the first app container (extended resources, ephemeral-storage, hugepages). */
        public Builder request(String resource, String quantity) {
            setRequest(main(), resource, quantity);
            return this;
        }

        /** A further app container with these requests (null: not requested). */
        public Builder container(String cpu, String memory) {
            if (containers.isEmpty()) main();
            containers.add(withRequests("c" + containers.size(), cpu, memory));
            return this;
        }

        /** A classic init container (run to completion before the app containers). */
        public Builder initContainer(String cpu, String memory) {
            initContainers.add(withRequests("init" + initContainers.size(), cpu, memory));
            return this;
        }

        /** A sidecar: a restartable init container ({@code restartPolicy: Always}). */
        public Builder sidecar(String cpu, String memory) {
            Container c = withRequests("init" + initContainers.size(), cpu, memory);
            c.setRestartPolicy("Always");
            initContainers.add(c);
            return this;
        }

        public Builder overhead(String cpu, String memory) {
            overhead = new LinkedHashMap<>();
            if (cpu != null) overhead.put("cpu", new Quantity(cpu));
            if (memory != null) overhead.put("memory", new Quantity(memory));
            return this;
        }

        /** The first app container's image. */
        public Builder image(String image) {
            main().setImage(image);
            return this;
        }

        /** One more app container per image (no requests). */
        public Builder containerImages(String... images) {
            for (String img : images) {
                Container c = newContainer("img" + containers.size());
                c.setImage(img);
                containers.add(c);
            }
            return this;
        }

        /** An init container with that image. */
        public Builder initImage(String image) {
            Container c = newContainer("init" + initContainers.size());
            c.setImage(image);
            initContainers.add(c);
            return this;
        }

        public Builder hostPort(int port) {
            return hostPort(null, null, port);
        }

        public Builder hostPort(String ip, String protocol, int port) {
            Container c = main();
            if (c.getPorts() == null) c.setPorts(new ArrayList<>());
            ContainerPort p = new ContainerPort();
            p.setContainerPort(port);
            p.setHostPort(port);
            p.setHostIP(ip);
            p.setProtocol(protocol);
            c.getPorts().add(p);
            return this;
        }

        public Builder toleration(String key, String operator, String value, String effect) {
            Toleration t = new Toleration();
            t.setKey(key);
            t.setOperator(operator);
            t.setValue(value);
            t.setEffect(effect);
            tolerations.add(t);
            return this;
        }

        /** Tolerates {@code key=value:effect} (operator Equal). */
        public Builder tolerate(String key, String value, String effect) {
            return toleration(key, "Equal", value, effect);
        }

        public Builder nodeSelector(String key, String value) {
            if (nodeSelector == null) nodeSelector = new LinkedHashMap<>();
            nodeSelector.put(key, value);
            return this;
        }

        /** Adds a required node affinity term (terms are ORed) made of these ANDed expressions. */
        public Builder nodeAffinity(NodeSelectorRequirement... expressions) {
            NodeSelectorTerm t = new NodeSelectorTerm();
            t.setMatchExpressions(new ArrayList<>(List.of(expressions)));
            return nodeAffinityTerm(t);
        }

        /** Adds a required node affinity term with {@code key In values}. */
        public Builder nodeAffinityIn(String key, String... values) {
            return nodeAffinity(req(key, "In", values));
        }

        /** Adds a required node affinity term as given. */
        public Builder nodeAffinityTerm(NodeSelectorTerm term) {
            if (requiredNodeTerms == null) requiredNodeTerms = new ArrayList<>();
            requiredNodeTerms.add(term);
            return this;
        }

        /** A required node affinity whose selector has no terms at all (matches no node). */
        public Builder nodeAffinityWithoutTerms() {
            requiredNodeTerms = new ArrayList<>();
            return this;
        }

        /** Adds a required node affinity term selecting {@code metadata.name In [names]} through matchFields. */
        public Builder nodeAffinityNames(String... names) {
            NodeSelectorTerm t = new NodeSelectorTerm();
            List<NodeSelectorRequirement> fields = new ArrayList<>();
            for (String n : names) fields.add(req("metadata.name", "In", n));
            t.setMatchFields(fields);
            return nodeAffinityTerm(t);
        }

        /** Adds a preferred node affinity term. */
        public Builder preferredNodeAffinity(int weight, NodeSelectorRequirement... expressions) {
            NodeSelectorTerm t = new NodeSelectorTerm();
            t.setMatchExpressions(new ArrayList<>(List.of(expressions)));
            preferredNodeTerms.add(new PreferredSchedulingTerm(t, weight));
            return this;
        }

        /** Required pod affinity to pods with these labels in the topology domain. */
        public Builder podAffinity(String topologyKey, String... kv) {
            return podAffinity(term(topologyKey, kv));
        }

        public Builder podAffinity(PodAffinityTerm t) {
            podAffinity.add(t);
            return this;
        }

        /** Required pod anti-affinity to pods with these labels in the topology domain. */
        public Builder antiAffinity(String topologyKey, String... kv) {
            return antiAffinity(term(topologyKey, kv));
        }

        public Builder antiAffinity(PodAffinityTerm t) {
            podAntiAffinity.add(t);
            return this;
        }

        public Builder preferredAffinity(int weight, String topologyKey, String... kv) {
            preferredPodAffinity.add(new WeightedPodAffinityTerm(term(topologyKey, kv), weight));
            return this;
        }

        public Builder preferredAntiAffinity(int weight, String topologyKey, String... kv) {
            preferredPodAntiAffinity.add(new WeightedPodAffinityTerm(term(topologyKey, kv), weight));
            return this;
        }

        /** A topology spread constraint whose selector has these {@code matchLabels}. */
        public Builder spread(int maxSkew, String topologyKey, String whenUnsatisfiable, String... kv) {
            TopologySpreadConstraint c = new TopologySpreadConstraint();
            c.setMaxSkew(maxSkew);
            c.setTopologyKey(topologyKey);
            c.setWhenUnsatisfiable(whenUnsatisfiable);
            c.setLabelSelector(selector(kv));
            spread.add(c);
            return this;
        }

        public Builder spread(TopologySpreadConstraint c) {
            spread.add(c);
            return this;
        }

        public Builder owner(String apiVersion, String kind, String ownerName) {
            OwnerReference r = new OwnerReference();
            r.setApiVersion(apiVersion);
            r.setKind(kind);
            r.setName(ownerName);
            r.setUid(ownerName + "-uid");
            r.setController(true);
            owners.add(r);
            return this;
        }

        public Builder priority(int p) {
            this.priority = p;
            return this;
        }

        /** {@code spec.nodeName}: the pod is bound (or asks for) this node. */
        public Builder node(String node) {
            this.nodeName = node;
            return this;
        }

        public Builder preemptionPolicy(String policy) {
            this.preemptionPolicy = policy;
            return this;
        }

        public Builder nominatedNode(String node) {
            this.nominatedNodeName = node;
            return this;
        }

        public Builder startTime(Instant t) {
            this.startTime = t.toString();
            return this;
        }

        /** Sets a deletion timestamp. */
        public Builder terminating() {
            this.deletionTimestamp = "2024-01-01T00:00:00Z";
            return this;
        }

        public Builder schedulerName(String s) {
            this.schedulerName = s;
            return this;
        }

        public Builder schedulingGate(String gate) {
            gates.add(new PodSchedulingGate(gate));
            return this;
        }

        public Builder phase(String phase) {
            this.phase = phase;
            return this;
        }

        public Pod build() {
            Pod p = new Pod();
            ObjectMeta m = new ObjectMeta();
            m.setName(name);
            m.setNamespace(namespace);
            m.setUid(uid != null ? uid : namespace + "/" + name);
            if (!labels.isEmpty()) m.setLabels(new LinkedHashMap<>(labels));
            if (!owners.isEmpty()) m.setOwnerReferences(new ArrayList<>(owners));
            m.setDeletionTimestamp(deletionTimestamp);
            p.setMetadata(m);
            PodSpec s = new PodSpec();
            s.setContainers(new ArrayList<>(containers.isEmpty() ? List.of(newContainer("c0")) : containers));
            if (!initContainers.isEmpty()) s.setInitContainers(new ArrayList<>(initContainers));
            s.setOverhead(overhead);
            if (!tolerations.isEmpty()) s.setTolerations(new ArrayList<>(tolerations));
            s.setNodeSelector(nodeSelector);
            s.setPriority(priority);
            s.setNodeName(nodeName);
            s.setPreemptionPolicy(preemptionPolicy);
            s.setSchedulerName(schedulerName);
            if (!gates.isEmpty()) s.setSchedulingGates(new ArrayList<>(gates));
            if (!spread.isEmpty()) s.setTopologySpreadConstraints(new ArrayList<>(spread));
            Affinity a = affinity();
            if (a != null) s.setAffinity(a);
            p.setSpec(s);
            if (nominatedNodeName != null || startTime != null || phase != null) {
                PodStatus st = new PodStatus();
                st.setNominatedNodeName(nominatedNodeName);
                st.setStartTime(startTime);
                st.setPhase(phase);
                p.setStatus(st);
            }
            return p;
        }

        private Affinity affinity() {
            boolean nodeAff = requiredNodeTerms != null || !preferredNodeTerms.isEmpty();
            boolean podAff = !podAffinity.isEmpty() || !preferredPodAffinity.isEmpty();
            boolean podAnti = !podAntiAffinity.isEmpty() || !preferredPodAntiAffinity.isEmpty();
            if (!nodeAff && !podAff && !podAnti) return null;
            Affinity a = new Affinity();
            if (nodeAff) {
                io.fabric8.kubernetes.api.model.NodeAffinity na = new io.fabric8.kubernetes.api.model.NodeAffinity();
                if (requiredNodeTerms != null) na.setRequiredDuringSchedulingIgnoredDuringExecution(new NodeSelector(new ArrayList<>(requiredNodeTerms)));
                if (!preferredNodeTerms.isEmpty()) na.setPreferredDuringSchedulingIgnoredDuringExecution(new ArrayList<>(preferredNodeTerms));
                a.setNodeAffinity(na);
            }
            if (podAff) {
                PodAffinity pa = new PodAffinity();
                if (!podAffinity.isEmpty()) pa.setRequiredDuringSchedulingIgnoredDuringExecution(new ArrayList<>(podAffinity));
                if (!preferredPodAffinity.isEmpty()) pa.setPreferredDuringSchedulingIgnoredDuringExecution(new ArrayList<>(preferredPodAffinity));
                a.setPodAffinity(pa);
            }
            if (podAnti) {
                PodAntiAffinity pa = new PodAntiAffinity();
                if (!podAntiAffinity.isEmpty()) pa.setRequiredDuringSchedulingIgnoredDuringExecution(new ArrayList<>(podAntiAffinity));
                if (!preferredPodAntiAffinity.isEmpty()) pa.setPreferredDuringSchedulingIgnoredDuringExecution(new ArrayList<>(preferredPodAntiAffinity));
                a.setPodAntiAffinity(pa);
            }
            return a;
        }

        /** The pod wrapped as the scheduler sees it (priority from {@code spec.priority}). */
        public PodInfo info() {
            return PodInfo.of(build());
        }
    }
}
