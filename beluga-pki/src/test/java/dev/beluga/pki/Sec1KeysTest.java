package dev.beluga.pki;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The JDK-only reading and writing of SEC 1 and PKCS#1 keys, checked against Bouncy Castle's encodings. */
class Sec1KeysTest {

    @Test
    void ecKeysAreWrittenByteForByteAsBouncyCastleWritesThem() throws Exception {
        for (int i = 0; i < 20; i++) { // keys whose d or coordinates have leading zero bytes come up among these
            KeyPair keys = KeyAlgorithm.EC_P256.generate();
            String withPublic = TraditionalKeyEncoding.encode(keys.getPrivate(), keys.getPublic()).orElseThrow();
            String computed = TraditionalKeyEncoding.encode(keys.getPrivate()).orElseThrow();
            assertThat(withPublic).isEqualTo(computed).isEqualTo(Pem.block("EC PRIVATE KEY", bouncyCastleSec1(keys)));
        }
    }

    @Test
    void aPublicKeyThatIsNotTheKeysIsNotWrittenIntoIt() {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        KeyPair other = KeyAlgorithm.EC_P256.generate();
        String pem = TraditionalKeyEncoding.encode(keys.getPrivate(), other.getPublic()).orElseThrow();
        assertThat(Pem.keyPair(pem).getPublic()).isEqualTo(keys.getPublic());
    }

    @Test
    void sec1KeysAreReadWithOrWithoutTheirPublicPoint() throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        BigInteger d = ((ECPrivateKey) keys.getPrivate()).getS();
        byte[] withoutPoint = new org.bouncycastle.asn1.sec.ECPrivateKey(256, d, SECObjectIdentifiers.secp256r1).getEncoded(ASN1Encoding.DER);
        for (byte[] der : List.of(bouncyCastleSec1(keys), withoutPoint)) {
            String pem = Pem.block("EC PRIVATE KEY", der);
            assertThat(Keys.matches(Pem.privateKey(pem), keys.getPublic())).isTrue();
            KeyPair pair = Pem.keyPair(pem);
            assertThat(pair.getPublic()).isEqualTo(keys.getPublic());
            assertThat(((ECPrivateKey) pair.getPrivate()).getS()).isEqualTo(d);
        }
    }

    @Test
    void sec1KeysWithoutANamedCurveOrOfAnotherVersionAreRefused() throws Exception {
        byte[] noCurve = new org.bouncycastle.asn1.sec.ECPrivateKey(256, BigInteger.TEN, null).getEncoded(ASN1Encoding.DER);
        assertThatThrownBy(() -> Pem.privateKey(Pem.block("EC PRIVATE KEY", noCurve))).hasMessageContaining("does not name its curve");
        byte[] version2 = DerWriter.sequence(DerWriter.integer(BigInteger.TWO), DerWriter.octetString(new byte[32]));
        assertThatThrownBy(() -> Pem.privateKey(Pem.block("EC PRIVATE KEY", version2))).hasMessageContaining("version");
        byte[] unknownCurve = DerWriter.sequence(DerWriter.integer(BigInteger.ONE), DerWriter.octetString(new byte[] {1}),
            DerWriter.element(0xA0, DerWriter.oid("1.2.3.4")));
        assertThatThrownBy(() -> Pem.privateKey(Pem.block("EC PRIVATE KEY", unknownCurve))).hasMessageContaining("unsupported EC curve");
    }

    @Test
    void rsaKeysAreWrittenAsPkcs1AndPairedWithTheirPublicKey() throws Exception {
        KeyPair keys = KeyAlgorithm.RSA_2048.generate();
        String pem = TraditionalKeyEncoding.encode(keys.getPrivate(), keys.getPublic()).orElseThrow();
        byte[] pkcs1 = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded()).parsePrivateKey().toASN1Primitive().getEncoded(ASN1Encoding.DER);
        assertThat(pem).isEqualTo(Pem.block("RSA PRIVATE KEY", pkcs1));
        assertThat(Pem.keyPair(pem).getPublic()).isEqualTo(keys.getPublic());
        assertThat(Pem.privateKey(pem).getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
    }

    @Test
    void unknownBlocksAreSkippedAndAnEncryptedPkcs8KeyIsRefused() {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        String pem = Pem.block("SOMETHING ELSE", new byte[] {1, 2, 3}) + Pem.encodePrivateKey(keys.getPrivate());
        assertThat(Keys.matches(Pem.privateKey(pem), keys.getPublic())).isTrue();
        assertThatThrownBy(() -> Pem.privateKey(Pem.block("ENCRYPTED PRIVATE KEY", new byte[] {0x30, 0})))
            .hasMessageContaining("encrypted");
        assertThatThrownBy(() -> Pem.privateKey("-----BEGIN PRIVATE KEY-----\nAAAA\n")).hasMessageContaining("no END line");
    }

    /** SEC 1 as Bouncy Castle writes it: d in 32 bytes, the curve named, the public point Q = d·G from the public key. */
    private static byte[] bouncyCastleSec1(KeyPair keys) throws Exception {
        byte[] spki = keys.getPublic().getEncoded();
        byte[] point = Arrays.copyOfRange(spki, spki.length - 65, spki.length);
        return new org.bouncycastle.asn1.sec.ECPrivateKey(256, ((ECPrivateKey) keys.getPrivate()).getS(), new DERBitString(point),
            SECObjectIdentifiers.secp256r1).getEncoded(ASN1Encoding.DER);
    }
}
