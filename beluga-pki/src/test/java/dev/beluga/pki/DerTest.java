package dev.beluga.pki;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.junit.jupiter.api.Test;

import javax.security.auth.x500.X500Principal;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DerTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void objectIdentifiersRoundTripAndMatchBouncyCastle() throws Exception {
        for (String oid : List.of("1.2.840.10045.2.1", "1.3.132.0.34", "2.5.29.17", "2.999.3", "0.9.2342.19200300.100.1.25",
            "1.2.3.9223372036854775807")) {
            byte[] der = DerWriter.oid(oid);
            assertThat(der).as(oid).isEqualTo(new ASN1ObjectIdentifier(oid).getEncoded());
            assertThat(new DerReader(der).next().oid()).isEqualTo(oid);
        }
        assertThatThrownBy(() -> DerWriter.oid("1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DerWriter.oid("1.40")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DerWriter.oid("3.1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DerWriter.oid("1.2.x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lengthsInShortAndLongFormRoundTrip() {
        for (int size : new int[] {0, 1, 127, 128, 255, 256, 65_535, 65_536}) {
            byte[] der = DerWriter.octetString(new byte[size]);
            int header = size < 128 ? 2 : size < 256 ? 3 : size < 65_536 ? 4 : 5;
            assertThat(der).as("length %d", size).hasSize(header + size);
            DerReader reader = new DerReader(der);
            assertThat(reader.next(DerReader.OCTET_STRING).contents()).hasSize(size);
            assertThat(reader.hasMore()).isFalse();
        }
    }

    @Test
    void nestedElementsAreReadInOrder() {
        byte[] der = DerWriter.sequence(DerWriter.integer(BigInteger.valueOf(-129)), DerWriter.element(0xA0, DerWriter.nullValue()),
            DerWriter.bitString(new byte[] {1, 2}), DerWriter.utf8String("grüße"));
        assertThat(HEX.formatHex(der)).startsWith("3016" + "0202ff7f" + "a0020500" + "0303000102");
        DerReader inner = new DerReader(der).next(DerReader.SEQUENCE).reader();
        assertThat(inner.next().integer()).isEqualTo(BigInteger.valueOf(-129));
        assertThat(inner.peekTag()).isEqualTo(0xA0);
        assertThat(inner.next().reader().next().tag()).isEqualTo(DerReader.NULL);
        assertThat(inner.next().bitString()).containsExactly(1, 2);
        assertThat(inner.next().text()).isEqualTo("grüße");
        inner.requireEnd();
        assertThat(inner.peekTag()).isEqualTo(-1);
    }

    @Test
    void unsignedPadsAndRejectsWhatDoesNotFit() {
        assertThat(DerWriter.unsigned(BigInteger.valueOf(255), 3)).containsExactly(0, 0, 0xFF);
        assertThat(DerWriter.unsigned(BigInteger.ONE.shiftLeft(255), 32)[0]).isEqualTo((byte) 0x80);
        assertThatThrownBy(() -> DerWriter.unsigned(BigInteger.ONE.shiftLeft(256), 32)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsMalformedInput() {
        for (String hex : List.of("", "30", "3004020101", "0481", "04850100000000", "0480", "1f0100", "3081", "020100ff")) {
            assertThatThrownBy(() -> {
                DerReader reader = new DerReader(HEX.parseHex(hex));
                reader.next();
                reader.requireEnd();
            }).as(hex).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new DerReader(HEX.parseHex("0500")).next(DerReader.SEQUENCE)).hasMessageContaining("expected DER tag 0x30");
        assertThatThrownBy(() -> new DerReader(HEX.parseHex("0200")).next().integer()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DerReader(HEX.parseHex("030107ff")).next().bitString()).hasMessageContaining("unused bits");
        assertThatThrownBy(() -> new DerReader(HEX.parseHex("060188")).next().oid()).hasMessageContaining("OBJECT IDENTIFIER");
    }

    @Test
    void namesAreWrittenAsBouncyCastleWritesThemAndReadAsGoReadsThem() throws Exception {
        byte[] ours = DistinguishedNames.encode("system:node:n1", List.of("system:nodes", "b"));
        byte[] bc = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "system:nodes").addRDN(BCStyle.O, "b")
            .addRDN(BCStyle.CN, "system:node:n1").build().getEncoded();
        assertThat(ours).isEqualTo(bc);
        X500Principal printable = new X500Principal("CN=first, OU=x, O=g1, CN=last, O=g2");
        assertThat(DistinguishedNames.commonName(printable)).isEqualTo("first"); // RFC 2253 text lists the last RDN first
        assertThat(DistinguishedNames.organizations(printable)).containsExactly("g2", "g1");
        assertThat(DistinguishedNames.commonName(new X500Principal("O=only"))).isNull();
        assertThatThrownBy(() -> DistinguishedNames.encode(" ", List.of())).hasMessageContaining("common name");
        assertThatThrownBy(() -> DistinguishedNames.encode("u", List.of(""))).hasMessageContaining("organization");
    }
}
