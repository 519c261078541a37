package dev.beluga.controllers.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The token bucket's behaviour: a burst passes at once, the next token waits (bounds are generous: behaviour, not timing). */
class ClientRateLimiterTest {
    @Test
    void burstPassesThenWaitsForTokens() {
        ClientRateLimiter limiter = new ClientRateLimiter(10, 3);
        long t0 = System.nanoTime();
        for (int i = 0; i < 3; i++) limiter.acquire();
        long burst = System.nanoTime() - t0;
        limiter.acquire();
        limiter.acquire();
        long waited = System.nanoTime() - t0;
        assertThat(burst).as("the burst does not wait for refills").isLessThan(150_000_000L);
        assertThat(waited).as("two tokens at 10/s take at least ~200 ms").isGreaterThanOrEqualTo(150_000_000L);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new ClientRateLimiter(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClientRateLimiter(5, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
