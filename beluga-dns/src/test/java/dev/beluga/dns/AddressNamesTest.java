package dev.beluga.dns;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class AddressNamesTest {
    @Test
    void literalsAreParsedWithoutLookups() throws Exception {
        assertThat(AddressNames.parseLiteral("10.1.2.3")).isEqualTo(InetAddress.getByName("10.1.2.3"));
        assertThat(AddressNames.parseLiteral("fd00::1")).isEqualTo(InetAddress.getByName("fd00::1"));
        assertThat(AddressNames.parseLiteral("example.com")).isNull();
        assertThat(AddressNames.parseLiteral("10.1.2")).isNull();
        assertThat(AddressNames.parseLiteral("10.1.2.256")).isNull();
        assertThat(AddressNames.parseLiteral("010.1.2.3")).isNull();
        assertThat(AddressNames.parseLiteral("fd00::zz")).isNull();
    }

    @Test
    void dashedLabelsRoundTrip() throws Exception {
        assertThat(AddressNames.dashed(InetAddress.getByName("10.1.2.3"))).isEqualTo("10-1-2-3");
        assertThat(AddressNames.dashed(InetAddress.getByName("fd00:0:0:0:0:0:0:1"))).isEqualTo("fd00--1");
        assertThat(AddressNames.dashed(InetAddress.getByName("2001:db8:0:1:0:0:0:0"))).isEqualTo("2001-db8-0-1--");
        assertThat(AddressNames.parseDashed("10-1-2-3")).isEqualTo(InetAddress.getByName("10.1.2.3"));
        assertThat(AddressNames.parseDashed("fd00--1")).isEqualTo(InetAddress.getByName("fd00::1"));
        assertThat(AddressNames.parseDashed("web-0")).isNull();
        assertThat(AddressNames.parseDashed("10-1-2")).isNull();
    }

    @Test
    void reverseNamesNeedWholeAddresses() throws Exception {
        assertThat(AddressNames.parseReverse(new String[] {"3", "2", "1", "10"}, false)).isEqualTo(InetAddress.getByName("10.1.2.3"));
        assertThat(AddressNames.parseReverse(new String[] {"2", "1", "10"}, false)).isNull();
        String[] nibbles = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f".split("\\.");
        assertThat(AddressNames.parseReverse(nibbles, true)).isEqualTo(InetAddress.getByName("fd00::1"));
    }

    @Test
    void resolvConfNameserversWithoutThisServer() throws Exception {
        Path f = Files.createTempFile("resolv", ".conf");
        try {
            Files.writeString(f, "search default.svc.cluster.local\nnameserver 10.96.0.10\nnameserver 192.0.2.53\n# nameserver 192.0.2.99\n"
                + "nameserver fe80::1%eth0\noptions ndots:5\n");
            assertThat(ResolvConf.nameservers(f, new InetSocketAddress(InetAddress.getByName("10.96.0.10"), 53))).containsExactly(
                new InetSocketAddress(InetAddress.getByName("192.0.2.53"), 53), new InetSocketAddress(InetAddress.getByName("fe80::1"), 53));
            assertThat(ResolvConf.nameservers(f.resolveSibling("missing-resolv.conf"), new InetSocketAddress(53))).isEmpty();
        } finally {
            Files.delete(f);
        }
    }
}
