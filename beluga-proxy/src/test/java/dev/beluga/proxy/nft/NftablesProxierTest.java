package dev.beluga.proxy.nft;

import dev.beluga.proxy.Protocol;
import dev.beluga.proxy.ProxyEndpoint;
import dev.beluga.proxy.ProxyState;
import dev.beluga.proxy.ServiceKey;
import dev.beluga.proxy.ServicePortInfo;
import dev.beluga.proxy.ServicePortName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The nftables proxy on the kernel's real packet path: a node network namespace with three HTTP "pods" and a client
 * pod on its bridge; requests go to a cluster IP and a node port and must reach the endpoints the state says.
 * Needs root and the nft command; skipped otherwise.
 */
class NftablesProxierTest {
    static final ServiceKey WEB = new ServiceKey("default", "web");
    static final ServicePortName HTTP = new ServicePortName(WEB, "http", Protocol.TCP);
    static NetnsLab lab;
    static String client;
    static String pod1;

    @BeforeAll
    static void lab() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")) && Nft.find() != null, "needs root and nft");
        lab = new NetnsLab();
        pod1 = lab.pod("web-1", 11, true);
        lab.pod("web-2", 12, true);
        lab.pod("web-3", 13, true);
        client = lab.pod("client", 20, false);
        lab.awaitServers(11, 12, 13);
    }

    @AfterAll
    static void cleanup() {
        if (lab != null) lab.close();
    }

    static ServicePortInfo web(int nodePort, int affinity) {
        return new ServicePortInfo(HTTP, "10.43.0.50", 80, nodePort, List.of(), List.of(), affinity, false, false);
    }

    static ProxyEndpoint ep(int n, boolean ready) {
        return new ProxyEndpoint("10.42.1." + n, 80, ready, ready, false, "node-a");
    }

    static ProxyState state(ServicePortInfo svc, ProxyEndpoint... eps) {
        TreeMap<ServiceKey, List<ServicePortInfo>> services = new TreeMap<>();
        services.put(svc.name().service(), List.of(svc));
        Map<ServicePortName, List<ProxyEndpoint>> endpoints = new HashMap<>();
        if (eps.length > 0) endpoints.put(svc.name(), List.of(eps));
        return new ProxyState(services, endpoints);
    }

    NftablesProxier proxier() {
        return new NftablesProxier("node-a", "10.42.1.0/24", lab.inNode());
    }

    Set<String> hits(String from, String url, int requests) throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < requests; i++) {
            String page = lab.get(from, url);
            seen.add(page == null ? "FAILED" : page);
        }
        return seen;
    }

    @Test
    void clusterIpBalancesOverReadyEndpointsAndFollowsChanges() throws Exception {
        NftablesProxier p = proxier();
        try {
            p.sync(state(web(0, 0), ep(11, true), ep(12, true), ep(13, true)), Set.of(WEB), true);
            assertThat(hits(client, "http://10.43.0.50/", 30)).containsExactlyInAnyOrder("web-1", "web-2", "web-3");
            assertThat(hits(lab.node, "http://10.43.0.50/", 15)).doesNotContain("FAILED"); // from the node itself
            p.sync(state(web(0, 0), ep(11, true), ep(12, true)), Set.of(WEB), false);
            assertThat(hits(client, "http://10.43.0.50/", 20)).containsExactlyInAnyOrder("web-1", "web-2");
            assertThat(p.listRules()).doesNotContain("10.42.1.13");
            p.sync(state(web(0, 0), ep(11, true), ep(12, false), ep(13, true)), Set.of(WEB), false);
            assertThat(hits(client, "http://10.43.0.50/", 20)).containsExactlyInAnyOrder("web-1", "web-3");
        } finally {
            p.close();
        }
        assertThat(hits(client, "http://10.43.0.50/", 1)).containsExactly("FAILED");
    }

    @Test
    void noEndpointsRejectsAndNodePortAnswersOnTheNodeAddress() throws Exception {
        NftablesProxier p = proxier();
        try {
            p.sync(state(web(30080, 0)), Set.of(WEB), true);
            long t0 = System.nanoTime();
            assertThat(lab.get(client, "http://10.43.0.50/")).isNull();
            assertThat((System.nanoTime() - t0) / 1_000_000).as("rejected, not timed out").isLessThan(2500);
            assertThat(p.listRules()).contains("10.43.0.50 . tcp . 80 : goto reject-chain");
            p.sync(state(web(30080, 0), ep(12, true)), Set.of(WEB), false);
            assertThat(lab.get(client, "http://10.42.1.1:30080/")).isEqualTo("web-2");
            assertThat(lab.get(client, "http://10.43.0.50/")).isEqualTo("web-2");
            assertThat(p.listRules()).doesNotContain("reject-chain }");
        } finally {
            p.close();
        }
    }

    @Test
    void aPodReachesItselfThroughItsServiceAndAffinityPinsAClient() throws Exception {
        NftablesProxier p = proxier();
        try {
            p.sync(state(web(0, 0), ep(11, true)), Set.of(WEB), true);
            assertThat(lab.get(pod1, "http://10.43.0.50/")).isEqualTo("web-1"); // hairpin
            p.sync(state(web(0, 600), ep(11, true), ep(12, true), ep(13, true)), Set.of(WEB), false);
            Set<String> seen = hits(client, "http://10.43.0.50/", 10);
            assertThat(seen).hasSize(1).doesNotContain("FAILED");
        } finally {
            p.close();
        }
    }

    static ProxyState state(List<ServicePortInfo> ports, Map<ServicePortName, List<ProxyEndpoint>> endpoints) {
        TreeMap<ServiceKey, List<ServicePortInfo>> services = new TreeMap<>();
        for (ServicePortInfo p : ports) services.computeIfAbsent(p.name().service(), k -> new ArrayList<>()).add(p);
        return new ProxyState(services, endpoints);
    }

    @Test
    void udpFollowsItsEndpointsAndStaleFlowsAreCleared() throws Exception {
        ServicePortName dns = new ServicePortName(new ServiceKey("default", "echo"), "udp", Protocol.UDP);
        ServicePortInfo svc = new ServicePortInfo(dns, "10.43.0.53", 53, 0, List.of(), List.of(), 0, false, false);
        NftablesProxier p = proxier();
        try {
            p.sync(state(List.of(svc), Map.of(dns, List.of(new ProxyEndpoint("10.42.1.11", 9000, true, true, false, "node-a")))),
                Set.of(dns.service()), true);
            assertThat(lab.udp(client, "10.43.0.53", 53, 40053)).isEqualTo("web-1");
            // the same client flow (same source port) after its endpoint is replaced: conntrack must not pin it
            p.sync(state(List.of(svc), Map.of(dns, List.of(new ProxyEndpoint("10.42.1.12", 9000, true, true, false, "node-a")))),
                Set.of(dns.service()), false);
            assertThat(lab.udp(client, "10.43.0.53", 53, 40053)).isEqualTo("web-2");
        } finally {
            p.close();
        }
    }

    @Test
    void localTrafficPoliciesKeepTrafficOnTheNode() throws Exception {
        String outside = lab.outside();
        ServicePortName name = new ServicePortName(new ServiceKey("default", "local"), "http", Protocol.TCP);
        ProxyEndpoint here = ep(11, true);
        ProxyEndpoint elsewhere = new ProxyEndpoint("10.42.1.12", 80, true, true, false, "node-b");
        NftablesProxier p = proxier();
        try {
            // internalTrafficPolicy Local: the cluster IP goes to this node's endpoint only
            ServicePortInfo internal = new ServicePortInfo(name, "10.43.0.60", 80, 0, List.of(), List.of(), 0, false, true);
            p.sync(state(List.of(internal), Map.of(name, List.of(here, elsewhere))), Set.of(name.service()), true);
            assertThat(hits(client, "http://10.43.0.60/", 12)).containsExactly("web-1");
            // externalTrafficPolicy Local: from outside, only this node's endpoints; none here = dropped, not forwarded
            ServicePortInfo external = new ServicePortInfo(name, "10.43.0.60", 80, 30081, List.of(), List.of(), 0, true, false);
            p.sync(state(List.of(external), Map.of(name, List.of(elsewhere))), Set.of(name.service()), false);
            assertThat(lab.get(outside, "http://192.168.50.1:30081/")).isNull();
            assertThat(lab.get(client, "http://10.43.0.60/")).as("cluster traffic still goes anywhere").isEqualTo("web-2");
            p.sync(state(List.of(external), Map.of(name, List.of(here, elsewhere))), Set.of(name.service()), false);
            assertThat(hits(outside, "http://192.168.50.1:30081/", 10)).containsExactly("web-1");
        } finally {
            p.close();
        }
    }

    @Test
    void aRestartedProxierReplacesTheRulesAndUnchangedServicesAreNotRewritten() throws Exception {
        NftablesProxier first = proxier();
        ServiceKey other = new ServiceKey("default", "other");
        ServicePortInfo otherPort = new ServicePortInfo(new ServicePortName(other, "", Protocol.TCP), "10.43.0.51", 8080, 0,
            List.of(), List.of(), 0, false, false);
        TreeMap<ServiceKey, List<ServicePortInfo>> services = new TreeMap<>();
        services.put(WEB, List.of(web(0, 0)));
        services.put(other, List.of(otherPort));
        Map<ServicePortName, List<ProxyEndpoint>> eps = new HashMap<>();
        eps.put(HTTP, List.of(ep(11, true)));
        eps.put(otherPort.name(), List.of(new ProxyEndpoint("10.42.1.12", 80, true, true, false, "node-b")));
        first.sync(new ProxyState(services, eps), Set.of(), true);
        NftablesProxier second = proxier(); // an agent restart: nothing known, full sync from the informers' state
        try {
            eps.put(HTTP, List.of(ep(13, true)));
            second.sync(new ProxyState(services, eps), Set.of(), true);
            assertThat(lab.get(client, "http://10.43.0.50/")).isEqualTo("web-3");
            assertThat(lab.get(client, "http://10.43.0.51:8080/")).isEqualTo("web-2");
            String before = second.listRules();
            eps.put(HTTP, new ArrayList<>(List.of(ep(11, true))));
            second.sync(new ProxyState(services, eps), Set.of(WEB), false);
            String after = second.listRules();
            assertThat(after).contains("endpoint-default/other/tcp/8080__10.42.1.12/80");
            assertThat(before.lines().filter(l -> l.contains("other")).toList())
                .isEqualTo(after.lines().filter(l -> l.contains("other")).toList());
            assertThat(lab.get(client, "http://10.43.0.50/")).isEqualTo("web-1");
        } finally {
            second.close();
        }
        assertThat(lab.get(client, "http://10.43.0.51:8080/")).isNull();
    }
}
