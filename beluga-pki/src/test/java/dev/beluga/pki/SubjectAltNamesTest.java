package dev.beluga.pki;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubjectAltNamesTest {
    @Test
    void namesAreLowerCasedDeduplicatedAndOrdered() throws Exception {
        SubjectAltNames names = SubjectAltNames.of(List.of("B.example", "a.example", "b.EXAMPLE", "*.apps.example"),
            List.of(InetAddress.getByName("10.0.0.1"), InetAddress.getByName("10.0.0.1")));
        assertThat(names.dnsNames()).containsExactly("b.example", "a.example", "*.apps.example");
        assertThat(names.ipAddresses()).containsExactly(InetAddress.getByName("10.0.0.1"));
    }

    @Test
    void containsAllAndMinusCompareExactly() throws Exception {
        SubjectAltNames have = SubjectAltNames.of(List.of("a.example", "*.example"), List.of(InetAddress.getByName("::1")));
        SubjectAltNames want = SubjectAltNames.of(List.of("A.example", "b.example"), List.of(InetAddress.getByName("0:0::1")));
        assertThat(have.containsAll(want)).isFalse();
        assertThat(want.minus(have)).isEqualTo(SubjectAltNames.of(List.of("b.example"), List.of()));
        assertThat(have.plus(want).containsAll(want)).isTrue();
    }

    @Test
    void readsBackWhatACertificateCarries() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create();
        SubjectAltNames names = SubjectAltNames.of(List.of("x.example"), List.of(InetAddress.getByName("fd00::1"), InetAddress.getByName("192.0.2.1")));
        var cert = ca.issueServing("s", List.copyOf(names.dnsNames()), List.copyOf(names.ipAddresses()), java.time.Duration.ofDays(1)).certificate();
        assertThat(SubjectAltNames.of(cert)).isEqualTo(names);
        assertThat(SubjectAltNames.of(ca.certificate())).isEqualTo(SubjectAltNames.NONE);
    }

    @Test
    void rejectsWhatIsNotAHostName() {
        for (String bad : List.of("", " ", "has space", "-lead.example", "ünicode.example", "a/b", "x".repeat(254))) {
            assertThatThrownBy(() -> SubjectAltNames.of(List.of(bad), List.of())).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
