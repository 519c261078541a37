package dev.beluga.agent.stats;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CpuRatesTest {
    private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");

    @Test
    void theRateIsTheCpuTimeUsedOverTheTimeBetweenSamples() {
        CpuRates rates = new CpuRates();
        assertThat(rates.rate("c", T, 1_000_000_000L)).isNull();
        // 0.5 s of CPU in 2 s: half a core
        assertThat(rates.rate("c", T.plusSeconds(2), 1_500_000_000L)).isEqualTo(250_000_000L);
        // 3 cores' worth over 1 s
        assertThat(rates.rate("c", T.plusSeconds(3), 4_500_000_000L)).isEqualTo(3_000_000_000L);
        assertThat(rates.rate("other", T, 5)).isNull();
    }

    @Test
    void aSampleWithinTheMinimumWindowKeepsTheReferenceAndTheLastRate() {
        CpuRates rates = new CpuRates();
        rates.rate("c", T, 0);
        assertThat(rates.rate("c", T.plusMillis(300), 100_000_000L)).isNull();
        assertThat(rates.rate("c", T.plusSeconds(1), 500_000_000L)).isEqualTo(500_000_000L); // against T, not T+300ms
        assertThat(rates.rate("c", T.plusMillis(1500), 900_000_000L)).isEqualTo(500_000_000L); // the last rate
        assertThat(rates.rate("c", T.plusSeconds(2), 1_000_000_000L)).isEqualTo(500_000_000L); // 0.5 s over 1 s
    }

    @Test
    void aCounterThatWentDownStartsOverAndForgottenKeysToo() {
        CpuRates rates = new CpuRates();
        rates.rate("c", T, 9_000_000_000L);
        assertThat(rates.rate("c", T.plusSeconds(5), 1_000_000L)).isNull();
        assertThat(rates.rate("c", T.plusSeconds(6), 101_000_000L)).isEqualTo(100_000_000L);
        rates.retain(Set.of("other"));
        assertThat(rates.rate("c", T.plusSeconds(7), 201_000_000L)).isNull();
    }
}
