package dev.beluga.apiserver.services;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Range math of service CIDRs and node port ranges. */
class ValueRangesTest {

    @Test
    void aSlash16HasEveryAddressButNetworkAndBroadcast() {
        ServiceCidr c = ServiceCidr.parse("10.43.0.0/16");
        assertThat(c.size()).isEqualTo(65534);
        assertThat(c.first()).isEqualTo("10.43.0.1");
        assertThat(c.dnsAddress()).isEqualTo("10.43.0.10");
        assertThat(c.value(c.size() - 1)).isEqualTo("10.43.255.254");
        assertThat(c.offsetOf("10.43.0.0")).as("network").isEqualTo(-1);
        assertThat(c.offsetOf("10.43.255.255")).as("broadcast").isEqualTo(-1);
        assertThat(c.offsetOf("10.44.0.1")).as("outside").isEqualTo(-1);
        assertThat(c.offsetOf("10.43.1.0")).isEqualTo(255);
        assertThat(c.offsetOf("not-an-ip")).isEqualTo(-1);
        assertThat(c.offsetOf("2001:db8::1")).isEqualTo(-1);
        for (int off : new int[]{0, 1, 254, 255, 256, 65533}) assertThat(c.offsetOf(c.value(off))).isEqualTo(off);
        assertThat(c.toString()).isEqualTo("10.43.0.0/16");
    }

    @Test
    void hostBitsAreDroppedAndSmallCidrsWork() {
        assertThat(ServiceCidr.parse("10.43.5.7/16").toString()).isEqualTo("10.43.0.0/16");
        ServiceCidr tiny = ServiceCidr.parse("192.168.7.8/29");
        assertThat(tiny.toString()).isEqualTo("192.168.7.8/29");
        assertThat(tiny.size()).isEqualTo(6);
        assertThat(tiny.first()).isEqualTo("192.168.7.9");
        assertThat(tiny.value(5)).isEqualTo("192.168.7.14");
        assertThat(tiny.dnsAddress()).as("fewer than 10 addresses").isNull();
        assertThat(tiny.staticBand()).isZero();
    }

    @Test
    void staticBandGrowsWithTheCidrWithinBounds() {
        assertThat(ServiceCidr.parse("10.0.0.0/28").staticBand()).isZero();
        assertThat(ServiceCidr.parse("10.0.0.0/27").staticBand()).isEqualTo(16);
        assertThat(ServiceCidr.parse("10.0.0.0/24").staticBand()).isEqualTo(16);
        assertThat(ServiceCidr.parse("10.0.0.0/20").staticBand()).isEqualTo(256);
        assertThat(ServiceCidr.parse("10.43.0.0/16").staticBand()).isEqualTo(256);
    }

    @Test
    void badCidrsAreRefusedWithAReason() {
        assertThatThrownBy(() -> ServiceCidr.parse("10.43.0.0")).hasMessageContaining("a.b.c.d/n");
        assertThatThrownBy(() -> ServiceCidr.parse("fd00::/108")).hasMessageContaining("only IPv4");
        assertThatThrownBy(() -> ServiceCidr.parse("10.43.0.0/31")).hasMessageContaining("between 8 and 30");
        assertThatThrownBy(() -> ServiceCidr.parse("10.043.0.0/16")).hasMessageContaining("only IPv4");
        assertThatThrownBy(() -> ServiceCidr.parse("10.43.0.0/x")).hasMessageContaining("prefix");
    }

    @Test
    void portRanges() {
        PortRange r = PortRange.parse("30000-32767");
        assertThat(r.size()).isEqualTo(2768);
        assertThat(r.value(0)).isEqualTo("30000");
        assertThat(r.offsetOf("32767")).isEqualTo(2767);
        assertThat(r.offsetOf("29999")).isEqualTo(-1);
        assertThat(r.offsetOf("32768")).isEqualTo(-1);
        assertThat(r.offsetOf("x")).isEqualTo(-1);
        assertThat(r.staticBand()).isEqualTo(86);
        assertThat(PortRange.parse("30000-30009").staticBand()).isZero();
        assertThat(PortRange.parse("8080").size()).isEqualTo(1);
        assertThat(r.toString()).isEqualTo("30000-32767");
        for (String bad : new String[]{"3-1", "abc", "0-5", "1-70000", "1-2-3"})
            assertThatThrownBy(() -> PortRange.parse(bad)).as(bad).hasMessageContaining("invalid node port range");
    }
}
