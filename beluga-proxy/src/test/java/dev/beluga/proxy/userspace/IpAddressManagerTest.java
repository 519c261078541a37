package dev.beluga.proxy.userspace;

import dev.beluga.proxy.Protocol;
import dev.beluga.proxy.ProxyState;
import dev.beluga.proxy.ServiceKey;
import dev.beluga.proxy.ServicePortInfo;
import dev.beluga.proxy.ServicePortName;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class IpAddressManagerTest {

    @Test
    void parsesAddressesOfIpDashOOutput() {
        String out = """
            1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
            1: lo    inet 10.43.0.5/32 scope global lo:beluga-svc\\       valid_lft forever preferred_lft forever
            2: eth0    inet 192.168.1.20/24 brd 192.168.1.255 scope global dynamic eth0\\       valid_lft 86000sec preferred_lft 86000sec
            """;
        assertThat(IpAddressManager.parseAddresses(out)).containsExactly("10.43.0.5", "127.0.0.1", "192.168.1.20");
        assertThat(IpAddressManager.parseAddresses("")).isEmpty();
    }

    /**
     * The real {@code ip addr} path, in a network namespace of the test's own: the manager adds, finds, adopts and
     * removes labelled addresses on its {@code lo}, and a proxier using it adds a Service's addresses and removes
     * them (and those an earlier agent left) — the proxier's sockets stay in the test's namespace, so only the
     * addresses are checked here.
     */
    @Test
    void managesLabelledAddressesInANetworkNamespace() throws Exception {
        assumeTrue(isRoot() && has("ip"), "needs root and iproute2");
        String ns = "beluga-us-test-" + HexFormat.of().formatHex(SecureRandom.getSeed(4));
        run("ip", "netns", "add", ns);
        try {
            IpAddressManager m = new IpAddressManager(List.of("ip", "netns", "exec", ns), "lo");
            assertThat(m.label()).isEqualTo("lo:beluga-svc");
            assertThat(m.ownedAddresses()).isEmpty();
            run("ip", "netns", "exec", ns, "ip", "addr", "add", "10.43.9.9/32", "dev", "lo"); // not the proxier's
            m.add("10.43.0.5");
            m.add("10.43.0.5"); // already there: fine
            assertThat(m.localAddresses()).contains("10.43.0.5", "10.43.9.9");
            assertThat(m.ownedAddresses()).containsExactly("10.43.0.5");
            m.remove("10.43.0.5");
            m.remove("10.43.0.5"); // gone already: fine
            assertThat(m.localAddresses()).doesNotContain("10.43.0.5");

            m.add("10.43.0.77"); // left by an "earlier agent"
            UserspaceProxier p = new UserspaceProxier("n1", m);
            ServiceKey svc = new ServiceKey("default", "web");
            ServicePortInfo port = new ServicePortInfo(new ServicePortName(svc, "", Protocol.TCP), "10.43.0.6", 80, 0,
                List.of("10.43.9.9", "10.43.50.1"), List.of(), 0, false, false);
            ProxyState state = new ProxyState(new TreeMap<>(Map.of(svc, List.of(port))), Map.of());
            try {
                p.sync(state, Set.of(svc), true);
                assertThat(m.ownedAddresses()).containsExactlyInAnyOrder("10.43.0.6", "10.43.50.1");
                p.sync(ProxyState.EMPTY, Set.of(svc), false);
                assertThat(m.ownedAddresses()).isEmpty();
                p.sync(state, Set.of(svc), false);
            } finally {
                p.close();
            }
            assertThat(m.ownedAddresses()).isEmpty();
            assertThat(m.localAddresses()).contains("10.43.9.9");
        } finally {
            run("ip", "netns", "del", ns);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static boolean has(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":"))
            if (new File(dir, command).canExecute()) return true;
        return false;
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0)
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
}
