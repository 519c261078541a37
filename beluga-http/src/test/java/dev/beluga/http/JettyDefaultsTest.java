package dev.beluga.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JettyDefaultsTest {
    @Test
    void referencesPerCacheLineIsJettysComputationForCompressedOrPlainReferences() {
        assertThat(JettyDefaults.referencesPerCacheLine(2L << 30)).isEqualTo(16);
        assertThat(JettyDefaults.referencesPerCacheLine(64L << 30)).isEqualTo(8);
    }

    @Test
    void applySetsThePropertyUnlessSet() {
        String was = System.getProperty(JettyDefaults.REFERENCES_PER_CACHE_LINE);
        try {
            System.setProperty(JettyDefaults.REFERENCES_PER_CACHE_LINE, "7");
            JettyDefaults.apply();
            assertThat(System.getProperty(JettyDefaults.REFERENCES_PER_CACHE_LINE)).isEqualTo("7");
            System.clearProperty(JettyDefaults.REFERENCES_PER_CACHE_LINE);
            JettyDefaults.apply();
            assertThat(System.getProperty(JettyDefaults.REFERENCES_PER_CACHE_LINE)).isIn("8", "16");
        } finally {
            if (was == null) System.clearProperty(JettyDefaults.REFERENCES_PER_CACHE_LINE);
            else System.setProperty(JettyDefaults.REFERENCES_PER_CACHE_LINE, was);
        }
    }
}
