package dev.beluga.apiserver;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SlowClassInitTest {
    /** A library upgrade that renames or drops one of the classes fails here rather than silently slowing starts. */
    @Test
    void everyListedClassExistsAndInitialises() {
        assertThat(SlowClassInit.initialise()).isEmpty();
    }

    @Test
    void theBackgroundThreadIsADaemonAndEnds() throws InterruptedException {
        Thread t = SlowClassInit.inBackground();
        assertThat(t.isDaemon()).isTrue();
        assertThat(t.getName()).isEqualTo("slow-class-init");
        t.join();
        assertThat(t.isAlive()).isFalse();
    }
}
