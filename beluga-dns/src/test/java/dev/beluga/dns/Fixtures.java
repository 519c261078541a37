package dev.beluga.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;

import java.util.List;
import java.util.Map;

/** Services and EndpointSlices as tests need them. */
final class Fixtures {
    private Fixtures() {
    }

    static ServicePort port(String name, String protocol, int port) {
        return new ServicePortBuilder().withName(name).withProtocol(protocol).withPort(port).build();
    }

    static Service clusterIp(String ns, String name, String ip, ServicePort... ports) {
        return new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
            .withNewSpec().withType("ClusterIP").withClusterIP(ip).withClusterIPs(ip).withPorts(ports).endSpec().build();
    }

    static Service headless(String ns, String name, boolean publishNotReady, ServicePort... ports) {
        return new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
            .withNewSpec().withType("ClusterIP").withClusterIP("None").withClusterIPs("None").withPorts(ports)
            .withPublishNotReadyAddresses(publishNotReady).endSpec().build();
    }

    static Service externalName(String ns, String name, String target) {
        return new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
            .withNewSpec().withType("ExternalName").withExternalName(target).endSpec().build();
    }

    /** An endpoint; {@code ready}/{@code terminating} null leave the condition unset. */
    static Endpoint endpoint(String ip, String hostname, Boolean ready, Boolean terminating) {
        return new EndpointBuilder().withAddresses(ip).withHostname(hostname)
            .withNewConditions().withReady(ready).withServing(ready).withTerminating(terminating).endConditions().build();
    }

    static Endpoint ready(String ip) {
        return endpoint(ip, null, true, false);
    }

    static EndpointPort slicePort(String name, String protocol, int port) {
        return new EndpointPortBuilder().withName(name).withProtocol(protocol).withPort(port).build();
    }

    static EndpointSlice slice(String ns, String name, String service, List<EndpointPort> ports, Endpoint... endpoints) {
        return new EndpointSliceBuilder().withNewMetadata().withNamespace(ns).withName(name)
            .withLabels(Map.of("kubernetes.io/service-name", service)).endMetadata()
            .withAddressType(endpoints.length > 0 && endpoints[0].getAddresses().get(0).contains(":") ? "IPv6" : "IPv4")
            .withPorts(ports).withEndpoints(endpoints).build();
    }
}
