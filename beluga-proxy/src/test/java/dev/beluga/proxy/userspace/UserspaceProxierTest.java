package dev.beluga.proxy.userspace;

import dev.beluga.proxy.Protocol;
import dev.beluga.proxy.ProxyEndpoint;
import dev.beluga.proxy.ProxyState;
import dev.beluga.proxy.ServiceKey;
import dev.beluga.proxy.ServicePortInfo;
import dev.beluga.proxy.ServicePortName;
import dev.beluga.proxy.userspace.TestBackends.TcpBackend;
import dev.beluga.proxy.userspace.TestBackends.UdpBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The userspace proxier end to end on loopback: fake backends on 127.0.77.x, Service addresses in 127.0.0.0/8 (local
 * without being added, so the address manager only records).
 */
class UserspaceProxierTest {
    private static final String NODE = "node-a";
    private static final String SVC_IP = "127.0.77.10";
    private static final ServiceKey WEB = new ServiceKey("default", "web");
    private static final ServiceKey DNS = new ServiceKey("default", "dns");
    private static final int IO_TIMEOUT_MS = 5000;

    private final FakeAddresses addresses = new FakeAddresses("127.0.0.1");
    private final UserspaceProxier proxier = new UserspaceProxier(NODE, addresses);
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        proxier.close();
        for (AutoCloseable c : cleanup) c.close();
    }

    @Test
    void tcpRoundRobinReachesEveryBackendWithHalfClose() throws Exception {
        List<TcpBackend> bs = tcpBackends(3);
        int port = freePort();
        syncWeb(port, bs);

        Map<String, Integer> served = new HashMap<>();
        for (int i = 0; i < 9; i++) {
            String reply = request(SVC_IP, port, "hello " + i);
            String name = reply.split(" ")[0];
            assertThat(reply).isEqualTo(name + " hello " + i + "\n"); // the whole answer, then end of stream
            served.merge(name, 1, Integer::sum);
        }
        assertThat(served).containsOnly(Map.entry("b0", 3), Map.entry("b1", 3), Map.entry("b2", 3));
    }

    @Test
    void backendRefusingConnectionsIsSkipped() throws Exception {
        List<TcpBackend> bs = tcpBackends(2);
        int dead = freePort();
        int port = freePort();
        List<ProxyEndpoint> eps = new ArrayList<>(endpoints(bs));
        eps.add(new ProxyEndpoint("127.0.77.29", dead, true, true, false, NODE));
        proxier.sync(new States().add(port(WEB, Protocol.TCP, SVC_IP, port), eps).build(), Set.of(WEB), true);

        Set<String> served = new HashSet<>();
        for (int i = 0; i < 6; i++) served.add(request(SVC_IP, port, "x").split(" ")[0]);
        assertThat(served).containsExactlyInAnyOrder("b0", "b1");
    }

    @Test
    void removedEndpointGetsNoNewConnectionsButOpenOnesKeepFlowing() throws Exception {
        List<TcpBackend> bs = tcpBackends(3);
        int port = freePort();
        ServicePortInfo p = syncWeb(port, bs);

        try (Socket open = connect(SVC_IP, port)) {
            BufferedReader in = reader(open);
            open.getOutputStream().write("one\n".getBytes(StandardCharsets.UTF_8));
            String first = in.readLine();
            String pinned = first.split(" ")[0];
            List<TcpBackend> rest = bs.stream().filter(b -> !b.name.equals(pinned)).toList();
            proxier.sync(new States().add(p, endpoints(rest)).build(), Set.of(WEB), false);

            Set<String> served = new HashSet<>();
            for (int i = 0; i < 6; i++) served.add(request(SVC_IP, port, "x").split(" ")[0]);
            assertThat(served).containsExactlyInAnyOrderElementsOf(rest.stream().map(b -> b.name).toList());

            open.getOutputStream().write("two\n".getBytes(StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo(pinned + " two");
        }
    }

    @Test
    void withoutEndpointsTcpConnectionsAreClosedAndUdpDropped() throws Exception {
        int port = freePort();
        int udpPort = freePort();
        proxier.sync(new States().add(port(WEB, Protocol.TCP, SVC_IP, port), List.of())
            .add(port(DNS, Protocol.UDP, SVC_IP, udpPort), List.of()).build(), Set.of(WEB, DNS), true);

        assertConnectionEndsWithoutData(SVC_IP, port);
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            send(client, SVC_IP, udpPort, "anyone?");
            client.setSoTimeout(300);
            assertThatThrownBy(() -> client.receive(new DatagramPacket(new byte[100], 100)))
                .isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void clientIpAffinityPinsEachClientToOneBackend() throws Exception {
        List<TcpBackend> bs = tcpBackends(3);
        int port = freePort();
        ServicePortInfo p = new ServicePortInfo(new ServicePortName(WEB, "", Protocol.TCP), SVC_IP, port, 0, List.of(),
            List.of(), 10800, false, false);
        proxier.sync(new States().add(p, endpoints(bs)).build(), Set.of(WEB), true);

        for (String client : List.of("127.0.77.50", "127.0.77.51", "127.0.77.52")) {
            Set<String> served = new HashSet<>();
            for (int i = 0; i < 4; i++) served.add(request(client, SVC_IP, port, "x").split(" ")[0]);
            assertThat(served).as("backends serving %s", client).hasSize(1);
        }
    }

    @Test
    void udpSessionsAreBalancedAndRepliesComeFromTheServiceAddress() throws Exception {
        List<UdpBackend> bs = new ArrayList<>();
        for (int i = 0; i < 3; i++) bs.add(closeLater(new UdpBackend("u" + i, "127.0.77." + (31 + i))));
        int port = freePort();
        ServicePortInfo p = port(DNS, Protocol.UDP, SVC_IP, port);
        proxier.sync(new States().add(p, bs.stream().map(b -> ep(b.ip(), b.port())).toList()).build(), Set.of(DNS), true);

        Set<String> served = new HashSet<>();
        List<DatagramSocket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                DatagramSocket c = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                clients.add(c);
                String first = udpRequest(c, SVC_IP, port, "q" + i);
                String name = first.split(" ")[0];
                assertThat(first).isEqualTo(name + " q" + i);
                assertThat(udpRequest(c, SVC_IP, port, "again")).isEqualTo(name + " again"); // one session, one backend
                served.add(name);
            }
            assertThat(served).containsExactlyInAnyOrder("u0", "u1", "u2");

            // the backend of the first client's session goes away: its next datagram goes to another
            DatagramSocket c0 = clients.getFirst();
            String gone = udpRequest(c0, SVC_IP, port, "who").split(" ")[0];
            List<ProxyEndpoint> rest = bs.stream().filter(b -> !b.name.equals(gone)).map(b -> ep(b.ip(), b.port())).toList();
            proxier.sync(new States().add(p, rest).build(), Set.of(DNS), false);
            assertThat(udpRequest(c0, SVC_IP, port, "who").split(" ")[0]).isNotEqualTo(gone);
        } finally {
            clients.forEach(DatagramSocket::close);
        }
    }

    @Test
    void udpSessionToAnUnreachablePortEndsAndTheRetryGoesElsewhere() throws Exception {
        UdpBackend live = closeLater(new UdpBackend("u0", "127.0.77.31"));
        int dead;
        try (DatagramSocket gone = new DatagramSocket(new InetSocketAddress("127.0.77.39", 0))) {
            dead = gone.getLocalPort();
        }
        int port = freePort();
        proxier.sync(new States().add(port(DNS, Protocol.UDP, SVC_IP, port),
            List.of(ep("127.0.77.39", dead), ep(live.ip(), live.port()))).build(), Set.of(DNS), true);
        try (DatagramSocket c = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            // the first session goes to the dead port; its ICMP error ends it, and the client's resend is served
            assertThat(udpRequest(c, SVC_IP, port, "hello")).isEqualTo("u0 hello");
        }
    }

    @Test
    void udpSessionsAreBoundedByEndingTheLeastRecentAndEndWhenIdle() throws Exception {
        UdpBackend b = closeLater(new UdpBackend("u0", "127.0.77.31"));
        UserspaceProxier small = new UserspaceProxier(NODE, addresses, new UserspaceProxier.Options(Duration.ofMillis(200), 2,
            UserspaceProxier.Options.DEFAULT.dialTimeouts(), 100));
        cleanup.add(small::close);
        int port = freePort();
        small.sync(new States().add(port(DNS, Protocol.UDP, SVC_IP, port), List.of(ep(b.ip(), b.port()))).build(), Set.of(DNS), true);

        try (DatagramSocket c1 = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             DatagramSocket c2 = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             DatagramSocket c3 = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            assertThat(udpRequest(c1, SVC_IP, port, "1")).isEqualTo("u0 1");
            assertThat(udpRequest(c2, SVC_IP, port, "2")).isEqualTo("u0 2");
            assertThat(udpRequest(c3, SVC_IP, port, "3")).isEqualTo("u0 3"); // a third session: c1's, the least recent, ends
            assertThat(small.udpSessions()).isLessThanOrEqualTo(2);
            assertThat(udpRequest(c1, SVC_IP, port, "1 again")).isEqualTo("u0 1 again");
            assertThat(small.udpSessions()).isLessThanOrEqualTo(2);

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (small.udpSessions() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(small.udpSessions()).isZero();
            assertThat(udpRequest(c2, SVC_IP, port, "after")).isEqualTo("u0 after");
        }
    }

    @Test
    void removedServiceClosesItsPortAndConnections() throws Exception {
        List<TcpBackend> bs = tcpBackends(1);
        int port = freePort();
        syncWeb(port, bs);

        try (Socket open = connect(SVC_IP, port)) {
            open.getOutputStream().write("one\n".getBytes(StandardCharsets.UTF_8));
            assertThat(reader(open).readLine()).isEqualTo("b0 one");
            proxier.sync(new States().build(), Set.of(WEB), false);
            assertThat(readOrReset(open)).isEqualTo(-1);
        }
        assertThatThrownBy(() -> connect(SVC_IP, port)).isInstanceOf(ConnectException.class);
    }

    @Test
    void onlyChangedServicesAreTouchedUnlessFull() throws Exception {
        TwoServices two = twoServices();
        proxier.sync(two.both(), Set.of(WEB, DNS), true);

        // a state without "web", but "web" not said to have changed: left as it is
        proxier.sync(two.dnsOnly(), Set.of(DNS), false);
        assertThat(request(SVC_IP, two.web.port(), "still")).isEqualTo("b0 still\n");

        proxier.sync(two.dnsOnly(), Set.of(), true);
        assertThatThrownBy(() -> connect(SVC_IP, two.web.port())).isInstanceOf(ConnectException.class);
        assertThat(request("127.0.77.11", two.dns.port(), "dns")).isEqualTo("b0 dns\n");
    }

    @Test
    void aPortThatCannotBeBoundIsTriedAgainAtTheNextSync() throws Exception {
        TwoServices two = twoServices();
        int port = two.web.port();
        try (ServerSocket squatter = bind(SVC_IP, port)) {
            proxier.sync(two.webOnly(), Set.of(WEB), true);
            assertThat(squatter.isBound()).isTrue();
        }
        // a sync for another Service only; "web" is unchanged, but its socket can be bound now
        proxier.sync(two.both(), Set.of(DNS), false);
        assertThat(request(SVC_IP, port, "late")).isEqualTo("b0 late\n");
        assertThat(request("127.0.77.11", two.dns.port(), "dns")).isEqualTo("b0 dns\n");

        proxier.sync(two.dnsOnly(), Set.of(WEB), false);
        assertThatThrownBy(() -> connect(SVC_IP, port)).isInstanceOf(ConnectException.class);
    }

    @Test
    void trafficPoliciesChooseTheEndpointsOfTheClusterIpAndTheNodePortApart() throws Exception {
        TcpBackend local = closeLater(new TcpBackend("local", "127.0.77.21"));
        TcpBackend remote = closeLater(new TcpBackend("remote", "127.0.77.22"));
        List<ProxyEndpoint> eps = List.of(new ProxyEndpoint(local.ip(), local.port(), true, true, false, NODE),
            new ProxyEndpoint(remote.ip(), remote.port(), true, true, false, "node-b"));
        for (boolean externalLocal : new boolean[]{true, false}) {
            int port = freePort();
            int nodePort = freePort();
            ServicePortInfo p = new ServicePortInfo(new ServicePortName(WEB, "http", Protocol.TCP), SVC_IP, port, nodePort,
                List.of(), List.of(), 0, externalLocal, !externalLocal);
            proxier.sync(new States().add(p, eps).build(), Set.of(WEB), true);

            Set<String> viaNodePort = new HashSet<>();
            Set<String> viaClusterIp = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                viaNodePort.add(request("127.0.0.1", nodePort, "x").split(" ")[0]);
                viaClusterIp.add(request(SVC_IP, port, "x").split(" ")[0]);
            }
            Set<String> both = Set.of("local", "remote");
            assertThat(viaNodePort).as("external Local: %s", externalLocal).isEqualTo(externalLocal ? Set.of("local") : both);
            assertThat(viaClusterIp).as("internal Local: %s", !externalLocal).isEqualTo(externalLocal ? both : Set.of("local"));
        }
    }

    @Test
    void serviceAddressesAreAddedWhenMissingSharedAndRemoved() throws Exception {
        List<TcpBackend> bs = tcpBackends(1);
        addresses.added.add("127.0.77.200"); // left by an earlier agent
        int port = freePort();
        int port2 = freePort();
        ServicePortInfo web = new ServicePortInfo(new ServicePortName(WEB, "", Protocol.TCP), SVC_IP, port, 0,
            List.of("127.0.77.11", "127.0.0.1"), List.of("127.0.0.1", "127.0.77.99"), 0, false, false);
        ServicePortInfo dns = new ServicePortInfo(new ServicePortName(DNS, "", Protocol.TCP), "127.0.77.12", port2, 0,
            List.of("127.0.77.11"), List.of(), 0, false, false);
        proxier.sync(new States().add(web, endpoints(bs)).add(dns, endpoints(bs)).build(), Set.of(WEB, DNS), true);

        assertThat(addresses.added).containsExactlyInAnyOrder(SVC_IP, "127.0.77.11", "127.0.77.12");
        assertThat(addresses.removed).containsExactly("127.0.77.200");
        assertThat(request("127.0.77.11", port, "ext")).isEqualTo("b0 ext\n");
        assertThat(request("127.0.0.1", port, "lb")).isEqualTo("b0 lb\n"); // an external and load-balancer IP the node has
        assertThatThrownBy(() -> connect("127.0.77.99", port)).isInstanceOf(ConnectException.class); // not the node's

        proxier.sync(new States().add(dns, endpoints(bs)).build(), Set.of(WEB), false);
        assertThat(addresses.added).containsExactlyInAnyOrder("127.0.77.11", "127.0.77.12"); // .11 still used by dns
        assertThat(request("127.0.77.11", port2, "dns")).isEqualTo("b0 dns\n");

        proxier.close();
        assertThat(addresses.added).isEmpty();
        assertThat(addresses.removed).doesNotContain("127.0.0.1");
    }

    @Test
    void closeFreesEveryPortAndEndsConnections() throws Exception {
        List<TcpBackend> bs = tcpBackends(1);
        int port = freePort();
        int udpPort = freePort();
        int nodePort = freePort();
        ServicePortInfo web = new ServicePortInfo(new ServicePortName(WEB, "", Protocol.TCP), SVC_IP, port, nodePort,
            List.of(), List.of(), 0, false, false);
        proxier.sync(new States().add(web, endpoints(bs)).add(port(DNS, Protocol.UDP, SVC_IP, udpPort), List.of()).build(),
            Set.of(WEB, DNS), true);

        try (Socket open = connect("127.0.0.1", nodePort)) {
            open.getOutputStream().write("one\n".getBytes(StandardCharsets.UTF_8));
            assertThat(reader(open).readLine()).isEqualTo("b0 one");
            proxier.close();
            proxier.close(); // idempotent
            assertThat(readOrReset(open)).isEqualTo(-1);
        }
        try (ServerSocket a = bind(SVC_IP, port); ServerSocket b = bind("0.0.0.0", nodePort);
             DatagramSocket c = new DatagramSocket(new InetSocketAddress(SVC_IP, udpPort))) {
            assertThat(a.isBound() && b.isBound() && c.isBound()).isTrue();
        }
        assertThat(addresses.added).isEmpty();
        assertThatThrownBy(() -> proxier.sync(new States().build(), Set.of(), true)).isInstanceOf(IllegalStateException.class);
    }

    // --- helpers

    /** Two TCP Services to one backend: "web" on SVC_IP, "dns" on 127.0.77.11. */
    private record TwoServices(ServicePortInfo web, ServicePortInfo dns, List<ProxyEndpoint> endpoints) {
        ProxyState both() {
            return new States().add(web, endpoints).add(dns, endpoints).build();
        }

        ProxyState webOnly() {
            return new States().add(web, endpoints).build();
        }

        ProxyState dnsOnly() {
            return new States().add(dns, endpoints).build();
        }
    }

    private TwoServices twoServices() throws IOException {
        List<TcpBackend> bs = tcpBackends(1);
        return new TwoServices(port(WEB, Protocol.TCP, SVC_IP, freePort()), port(DNS, Protocol.TCP, "127.0.77.11", freePort()),
            endpoints(bs));
    }

    /** A full sync of one Service, "web": TCP on SVC_IP:port to {@code bs}. */
    private ServicePortInfo syncWeb(int port, List<TcpBackend> bs) throws IOException {
        ServicePortInfo p = port(WEB, Protocol.TCP, SVC_IP, port);
        proxier.sync(new States().add(p, endpoints(bs)).build(), Set.of(WEB), true);
        return p;
    }

    private List<TcpBackend> tcpBackends(int n) throws IOException {
        List<TcpBackend> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(closeLater(new TcpBackend("b" + i, "127.0.77." + (21 + i))));
        return out;
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        cleanup.add(c);
        return c;
    }

    private static List<ProxyEndpoint> endpoints(List<TcpBackend> bs) {
        return bs.stream().map(b -> ep(b.ip(), b.port())).toList();
    }

    private static ProxyEndpoint ep(String ip, int port) {
        return new ProxyEndpoint(ip, port, true, true, false, NODE);
    }

    private static ServicePortInfo port(ServiceKey svc, Protocol protocol, String clusterIp, int port) {
        return new ServicePortInfo(new ServicePortName(svc, "", protocol), clusterIp, port, 0, List.of(), List.of(), 0, false, false);
    }

    /** A port free on every address (TCP and UDP alike, as far as the tests go). */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static ServerSocket bind(String ip, int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(ip, port));
        return s;
    }

    private static Socket connect(String ip, int port) throws IOException {
        return connectFrom(null, ip, port);
    }

    private static Socket connectFrom(String source, String ip, int port) throws IOException {
        Socket s = new Socket();
        try {
            if (source != null) s.bind(new InetSocketAddress(source, 0));
            s.connect(new InetSocketAddress(ip, port), IO_TIMEOUT_MS);
            s.setSoTimeout(IO_TIMEOUT_MS);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Sends one line, half-closes, and returns everything the other side sends until its end of stream. */
    private static String request(String ip, int port, String line) throws IOException {
        return request(null, ip, port, line);
    }

    private static String request(String source, String ip, int port, String line) throws IOException {
        try (Socket s = connectFrom(source, ip, port)) {
            s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Accepted, then reset or closed at once (a reset may already fail the connect); refused fails. */
    private static void assertConnectionEndsWithoutData(String ip, int port) throws IOException {
        Socket s;
        try {
            s = connect(ip, port);
        } catch (SocketException e) {
            if (e instanceof ConnectException) throw e;
            return;
        }
        try (Socket c = s) {
            assertThat(readOrReset(c)).isEqualTo(-1);
        }
    }

    /** -1 when the connection ends (orderly or reset); fails on data or a timeout. */
    private static int readOrReset(Socket s) throws IOException {
        try {
            return s.getInputStream().read();
        } catch (SocketException e) {
            return -1;
        }
    }

    private static void send(DatagramSocket c, String ip, int port, String payload) throws IOException {
        byte[] b = payload.getBytes(StandardCharsets.UTF_8);
        c.send(new DatagramPacket(b, b.length, new InetSocketAddress(ip, port)));
    }

    /** Sends a datagram (up to three times, should one be lost) and returns the answer, which must come from ip:port. */
    private static String udpRequest(DatagramSocket c, String ip, int port, String payload) throws IOException {
        c.setSoTimeout(IO_TIMEOUT_MS / 3);
        for (int attempt = 0; ; attempt++) {
            send(c, ip, port, payload);
            DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            try {
                c.receive(p);
            } catch (SocketTimeoutException e) {
                if (attempt < 2) continue;
                throw e;
            }
            assertThat(p.getSocketAddress()).isEqualTo(new InetSocketAddress(ip, port));
            return new String(Arrays.copyOf(p.getData(), p.getLength()), StandardCharsets.UTF_8);
        }
    }

    private static final class States {
        private final TreeMap<ServiceKey, List<ServicePortInfo>> services = new TreeMap<>();
        private final Map<ServicePortName, List<ProxyEndpoint>> endpoints = new HashMap<>();

        States add(ServicePortInfo p, List<ProxyEndpoint> eps) {
            services.computeIfAbsent(p.name().service(), k -> new ArrayList<>()).add(p);
            if (!eps.isEmpty()) endpoints.put(p.name(), List.copyOf(eps));
            return this;
        }

        ProxyState build() {
            return new ProxyState(new TreeMap<>(services), Map.copyOf(endpoints));
        }
    }
}
