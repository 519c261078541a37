package dev.beluga.proxy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceChangeTrackerTest {
    static final ServiceKey WEB = new ServiceKey("default", "web");
    static final ServicePortName HTTP = new ServicePortName(WEB, "http", Protocol.TCP);

    static Service service(String type, String clusterIp) {
        return new ServiceBuilder().withNewMetadata().withNamespace("default").withName("web").endMetadata()
            .withNewSpec().withType(type).withClusterIP(clusterIp).withSessionAffinity("ClientIP")
            .addNewPort().withName("http").withPort(80).withProtocol("TCP").withNodePort(30080).endPort()
            .addNewPort().withName("dns").withPort(53).withProtocol("UDP").endPort()
            .endSpec().withNewStatus().withNewLoadBalancer().addNewIngress().withIp("192.168.1.5").endIngress()
            .endLoadBalancer().endStatus().build();
    }

    static EndpointSlice slice(String name, String ip, Boolean ready, String node) {
        return new EndpointSliceBuilder().withNewMetadata().withNamespace("default").withName(name)
            .addToLabels(ServiceChangeTracker.SERVICE_NAME_LABEL, "web").endMetadata().withAddressType("IPv4")
            .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
            .addNewEndpoint().withAddresses(ip).withNodeName(node).withNewConditions().withReady(ready).endConditions().endEndpoint()
            .build();
    }

    @Test
    void servicesAndSlicesBecomePortsWithMergedEndpoints() {
        ServiceChangeTracker t = new ServiceChangeTracker(() -> 42L);
        t.onService(service("LoadBalancer", "10.43.0.9"));
        t.onEndpointSlice(slice("web-a", "10.42.1.5", true, "n1"));
        t.onEndpointSlice(slice("web-b", "10.42.2.5", false, "n2"));
        ServiceChangeTracker.Update u = t.drain();
        assertThat(u.changedSince()).containsEntry(WEB, 42L);
        List<ServicePortInfo> ports = u.state().ports(WEB);
        assertThat(ports).extracting(p -> p.name().port()).containsExactly("dns", "http");
        ServicePortInfo http = ports.get(1);
        assertThat(http.nodePort()).isEqualTo(30080);
        assertThat(http.loadBalancerIps()).containsExactly("192.168.1.5");
        assertThat(http.affinitySeconds()).isEqualTo(10800);
        assertThat(u.state().endpoints(HTTP)).extracting(ProxyEndpoint::address).containsExactly("10.42.1.5:8080", "10.42.2.5:8080");
        assertThat(EndpointSelection.of(http, u.state().endpoints(HTTP), "n2").all()).extracting(ProxyEndpoint::ip).containsExactly("10.42.1.5");
        assertThat(t.hasChanges()).isFalse();
    }

    @Test
    void onlyRealChangesMarkTheServiceAndHeadlessServicesAreNotProxied() {
        ServiceChangeTracker t = new ServiceChangeTracker();
        t.onService(service("ClusterIP", "10.43.0.9"));
        t.drain();
        t.onService(service("ClusterIP", "10.43.0.9")); // a resync: same state
        assertThat(t.hasChanges()).isFalse();
        t.onEndpointSlice(slice("web-a", "10.42.1.5", true, "n1"));
        assertThat(t.drain().changed()).containsExactly(WEB);
        t.onService(service("ClusterIP", "None"));
        ServiceChangeTracker.Update u = t.drain();
        assertThat(u.changed()).containsExactly(WEB);
        assertThat(u.state().services()).isEmpty();
        assertThat(u.state().endpoints()).isEmpty();
    }

    @Test
    void terminatingServingEndpointsAreUsedOnlyWhenNoneIsReady() {
        ServicePortInfo svc = new ServicePortInfo(HTTP, "10.43.0.9", 80, 0, List.of(), List.of(), 0, false, true);
        ProxyEndpoint ready = new ProxyEndpoint("10.42.1.5", 80, true, true, false, "n2");
        ProxyEndpoint draining = new ProxyEndpoint("10.42.1.6", 80, false, true, true, "n1");
        EndpointSelection both = EndpointSelection.of(svc, List.of(ready, draining), "n1");
        assertThat(both.all()).containsExactly(ready);
        assertThat(both.local()).containsExactly(draining);
        assertThat(both.cluster()).containsExactly(draining); // internalTrafficPolicy Local
        assertThat(EndpointSelection.of(svc, List.of(draining), "n2").cluster()).isEmpty();
    }
}
