package dev.beluga.scheduler.testing;

import dev.beluga.scheduler.framework.NodeInfo;
import dev.beluga.scheduler.framework.PodInfo;
import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fluent builder of fabric8 {@link Node}s for scheduler tests, e.g.
 * {@code TestNodes.node("n1").cpu("4").memory("8Gi").pods(110).label("zone", "a").taint("k", "v", "NoSchedule").build()}.
 * Allocatable defaults to 110 pods and nothing else; capacity mirrors allocatable.
 */
public final class TestNodes {
    public static final String HOSTNAME = "kubernetes.io/hostname";
    public static final String ZONE = "topology.kubernetes.io/zone";

    private TestNodes() {
    }

    public static Builder node(String name) {
        return new Builder(name);
    }

    public static final class Builder {
        private final String name;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final Map<String, Quantity> allocatable = new LinkedHashMap<>();
        private final List<Taint> taints = new ArrayList<>();
        private final List<ContainerImage> images = new ArrayList<>();
        private boolean unschedulable;

        private Builder(String name) {
            this.name = name;
            allocatable.put("pods", new Quantity("110"));
        }

        public Builder cpu(String q) {
            return allocatable("cpu", q);
        }

        public Builder memory(String q) {
            return allocatable("memory", q);
        }

        public Builder pods(int n) {
            return allocatable("pods", Integer.toString(n));
        }

        public Builder allocatable(String resource, String q) {
            allocatable.put(resource, new Quantity(q));
            return this;
        }

        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        /** {@code kubernetes.io/hostname=<name>}. */
        public Builder hostnameLabel() {
            return label(HOSTNAME, name);
        }

        /** {@code topology.kubernetes.io/zone=<zone>}. */
        public Builder zone(String zone) {
            return label(ZONE, zone);
        }

        public Builder taint(String key, String value, String effect) {
            Taint t = new Taint();
            t.setKey(key);
            t.setValue(value);
            t.setEffect(effect);
            taints.add(t);
            return this;
        }

        public Builder unschedulable() {
            this.unschedulable = true;
            return this;
        }

        /** An image present on the node, with its size and names. */
        public Builder image(long sizeBytes, String... names) {
            ContainerImage img = new ContainerImage();
            img.setNames(new ArrayList<>(List.of(names)));
            img.setSizeBytes(sizeBytes);
            images.add(img);
            return this;
        }

        public Node build() {
            Node n = new Node();
            ObjectMeta m = new ObjectMeta();
            m.setName(name);
            m.setUid("node-" + name);
            if (!labels.isEmpty()) m.setLabels(new LinkedHashMap<>(labels));
            n.setMetadata(m);
            NodeSpec spec = new NodeSpec();
            if (!taints.isEmpty()) spec.setTaints(new ArrayList<>(taints));
            if (unschedulable) spec.setUnschedulable(true);
            n.setSpec(spec);
            NodeStatus st = new NodeStatus();
            st.setAllocatable(new LinkedHashMap<>(allocatable));
            st.setCapacity(new LinkedHashMap<>(allocatable));
            if (!images.isEmpty()) st.setImages(new ArrayList<>(images));
            n.setStatus(st);
            return n;
        }

        /** A node info for this node holding these pods. */
        public NodeInfo info(PodInfo... pods) {
            return NodeInfo.of(build(), pods);
        }
    }
}
