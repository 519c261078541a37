package dev.beluga.api.quota;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AmountTest {
    @Test
    void parsesEveryNotationExactly() {
        assertThat(Amount.parse("500m").value()).isEqualByComparingTo("0.5");
        assertThat(Amount.parse("1.5Gi").value()).isEqualByComparingTo("1610612736");
        assertThat(Amount.parse("2e3").value()).isEqualByComparingTo("2000");
        assertThat(Amount.parse("+3k").value()).isEqualByComparingTo("3000");
        assertThat(Amount.parse("100n").value()).isEqualByComparingTo("0.0000001");
        assertThat(Amount.parse("1Mi").binary()).isTrue();
        assertThat(Amount.parse("1M").binary()).isFalse();
        assertThatThrownBy(() -> Amount.parse("1x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Amount.parse("abc")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Amount.parseOrNull("1x")).isNull();
        assertThat(Amount.parseOrNull("\u0661")).as("ASCII digits only").isNull();
        assertThat(Amount.parseOrNull(" 1")).isNull();
    }

    @Test
    void staysWithinWhatA64BitQuantityMeans() {
        assertThatThrownBy(() -> Amount.parse("1e999999999")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> Amount.parse("1e-2147483648")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> Amount.parse("1e99999999999")).hasMessageContaining("out of range");
        assertThat(Amount.parse("10E").toString()).as("capped at 2^63-1").isEqualTo("9223372036854775807");
        assertThat(Amount.parse("1e-12").toString()).as("rounded up to nano").isEqualTo("1n");
    }

    @Test
    void printsCanonicallyAsUpstream() {
        assertThat(Amount.parse("0.5").toString()).isEqualTo("500m");
        assertThat(Amount.parse("1.5").toString()).isEqualTo("1500m");
        assertThat(Amount.parse("1000m").toString()).isEqualTo("1");
        assertThat(Amount.parse("2000").toString()).isEqualTo("2k");
        assertThat(Amount.parse("1500").toString()).isEqualTo("1500");
        assertThat(Amount.parse("1024Mi").toString()).isEqualTo("1Gi");
        assertThat(Amount.parse("1.5Gi").toString()).isEqualTo("1536Mi");
        assertThat(Amount.parse("512Ki").toString()).isEqualTo("512Ki");
        assertThat(Amount.parse("0Mi").toString()).isEqualTo("0");
        assertThat(Amount.parse("128974848").toString()).isEqualTo("128974848");
        assertThat(Amount.parse("1Ki").plus(Amount.parse("976")).toString()).as("binary, not a multiple of 1024").isEqualTo("2000");
        assertThat(Amount.parse("100Mi").plus(Amount.parse("1k")).toString()).isEqualTo("104858600");
    }

    @Test
    void sumsKeepTheFirstNonZeroNotation() {
        Amount sum = Amount.ZERO.plus(Amount.parse("1Gi")).plus(Amount.parse("512Mi"));
        assertThat(sum.toString()).isEqualTo("1536Mi");
        assertThat(Amount.parse("1").plus(Amount.parse("500m")).toString()).isEqualTo("1500m");
        assertThat(Amount.parse("1Gi").minus(Amount.parse("1Gi")).isZero()).isTrue();
        assertThat(Amount.parse("1")).isEqualTo(Amount.parse("1000m"));
        assertThat(Amount.parse("2").max(Amount.parse("1500m"))).isEqualTo(Amount.of(2));
    }
}
