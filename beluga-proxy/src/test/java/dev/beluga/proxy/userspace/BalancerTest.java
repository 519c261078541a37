package dev.beluga.proxy.userspace;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class BalancerTest {
    private static final InetSocketAddress A = Ipv4.socket("10.244.0.5", 80);
    private static final InetSocketAddress B = Ipv4.socket("10.244.1.7", 80);
    private static final InetSocketAddress C = Ipv4.socket("10.244.2.9", 8080);
    private static final InetAddress CLIENT = Ipv4.parse("10.244.0.9");
    private static final InetAddress OTHER = Ipv4.parse("10.244.3.3");

    private final AtomicLong now = new AtomicLong();
    private final Balancer balancer = new Balancer(now::get, 100);

    @Test
    void roundRobinSkipsFailedBackendsAndReturnsNullWhenNoneIsLeft() {
        balancer.update(List.of(A, B, C), 0);
        List<InetSocketAddress> picks = new ArrayList<>();
        for (int i = 0; i < 6; i++) picks.add(balancer.pick(CLIENT, Set.of()));
        assertThat(picks).containsExactly(A, B, C, A, B, C);
        assertThat(balancer.pick(CLIENT, Set.of(A))).isEqualTo(B);
        assertThat(balancer.pick(CLIENT, Set.of(A, B, C))).isNull();
        balancer.update(List.of(), 0);
        assertThat(balancer.pick(CLIENT, Set.of())).isNull();
    }

    @Test
    void affinityLastsUntilTheTimeoutSinceLastUse() {
        balancer.update(List.of(A, B, C), 10);
        InetSocketAddress pinned = balancer.pick(CLIENT, Set.of());
        assertThat(balancer.pick(OTHER, Set.of())).isNotEqualTo(pinned);
        for (int i = 0; i < 5; i++) {
            now.addAndGet(9_000_000_000L); // each use within 10 s of the previous one
            assertThat(balancer.pick(CLIENT, Set.of())).isEqualTo(pinned);
        }
        now.addAndGet(11_000_000_000L);
        balancer.update(List.of(A, B, C), 10); // the same backends: pins kept, expired or not
        assertThat(balancer.pick(CLIENT, Set.of())).isNotEqualTo(pinned); // expired: round robin moved on
    }

    @Test
    void aPinToAFailedOrRemovedBackendMovesToAnother() {
        balancer.update(List.of(A, B), 60);
        InetSocketAddress first = balancer.pick(CLIENT, Set.of());
        InetSocketAddress second = balancer.pick(CLIENT, Set.of(first));
        assertThat(second).isNotEqualTo(first);
        assertThat(balancer.pick(CLIENT, Set.of())).isEqualTo(second); // the new pin holds

        balancer.update(List.of(first, C), 60);
        InetSocketAddress third = balancer.pick(CLIENT, Set.of());
        assertThat(third).isIn(first, C);
        assertThat(balancer.pick(CLIENT, Set.of())).isEqualTo(third);
    }

    @Test
    void beyondMaxClientsNewClientsAreBalancedWithoutPins() {
        Balancer small = new Balancer(now::get, 2);
        small.update(List.of(A, B, C), 60);
        small.pick(Ipv4.parse("10.0.0.1"), Set.of());
        small.pick(Ipv4.parse("10.0.0.2"), Set.of());
        InetAddress third = Ipv4.parse("10.0.0.3");
        Set<InetSocketAddress> seen = new HashSet<>();
        for (int i = 0; i < 3; i++) seen.add(small.pick(third, Set.of()));
        assertThat(seen).hasSize(3);
        now.addAndGet(61_000_000_000L); // the two pins expire and make room
        InetSocketAddress pinned = small.pick(third, Set.of());
        assertThat(small.pick(third, Set.of())).isEqualTo(pinned);
    }
}
