package dev.beluga.agent.network;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PodEgressMasqueradeTest {
    @Test
    void masqueradesOnlyWhatLeavesTheClusterAndReplacesTheTableAtomically() {
        String s = PodEgressMasquerade.script("10.42.3.0/24", "10.42.0.0/16");
        assertThat(s).startsWith("add table ip beluga-egress\ndelete table ip beluga-egress\n")
            .contains("type nat hook postrouting", "ip saddr 10.42.3.0/24 ip daddr != 10.42.0.0/16 masquerade");
    }
}
