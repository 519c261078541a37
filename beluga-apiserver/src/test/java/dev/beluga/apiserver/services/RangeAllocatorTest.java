package dev.beluga.apiserver.services;

import dev.beluga.apiserver.services.AllocationRecords.Claim;
import dev.beluga.apiserver.services.AllocationRecords.Owner;
import dev.beluga.store.embedded.EmbeddedStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

/** Claiming, probing, exhaustion and release over a real embedded store. */
class RangeAllocatorTest {
    @TempDir
    Path dir;
    private EmbeddedStore store;
    private AllocationRecords records;
    private final Owner a = new Owner("default", "a", "uid-a");
    private final Owner b = new Owner("default", "b", "uid-b");

    @BeforeEach
    void open() {
        store = EmbeddedStore.open(dir);
        records = new AllocationRecords(store, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private RangeAllocator allocator(ValueRange range, long seed) {
        return new RangeAllocator(range, AllocationRecords.IPS, records, new Random(seed));
    }

    @Test
    void candidatesVisitEveryOffsetOnceDynamicPartFirst() {
        for (int[] sb : new int[][]{{6, 0}, {100, 16}, {2768, 86}, {20, 20}}) {
            int size = sb[0];
            int band = sb[1];
            for (int start : new int[]{band == size ? 0 : band, size - 1, (band + size) / 2}) {
                List<Integer> seen = new ArrayList<>();
                for (int i = 0; i < size; i++) seen.add(RangeAllocator.candidate(start, i, band, size));
                assertThat(new HashSet<>(seen)).as("size %d band %d start %d", size, band, start).hasSize(size);
                if (band < size)
                    assertThat(seen.subList(0, size - band)).as("dynamic part first").allMatch(o -> o >= band);
            }
        }
    }

    @Test
    void allocatesDistinctValuesUntilFullThenNull() {
        RangeAllocator alloc = allocator(ServiceCidr.parse("10.0.0.0/29"), 1);
        Set<String> got = new HashSet<>();
        for (int i = 0; i < 6; i++) got.add(alloc.claimNext(a, false, Set.of()));
        assertThat(got).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6");
        assertThat(alloc.claimNext(b, false, Set.of())).as("range is full").isNull();
        assertThat(records.keys(AllocationRecords.IPS)).hasSize(6);
    }

    @Test
    void findsTheLastFreeValuesAfterTheBlindProbesMiss() {
        // 200 ports, 190 taken: random probes mostly hit taken ones, the scan finds the rest
        PortRange range = PortRange.parse("30000-30199");
        RangeAllocator alloc = new RangeAllocator(range, AllocationRecords.NODE_PORTS, records, new Random(7));
        for (int i = 0; i < 190; i++) assertThat(alloc.claim(range.value(i), a, false)).isEqualTo(Claim.NEW);
        Set<String> rest = new HashSet<>();
        for (int i = 0; i < 10; i++) rest.add(alloc.claimNext(b, false, Set.of()));
        assertThat(rest).hasSize(10).allMatch(v -> Integer.parseInt(v) >= 30190);
        assertThat(alloc.claimNext(b, false, Set.of())).isNull();
    }

    @Test
    void dynamicAllocationLeavesTheStaticBandForLast() {
        PortRange range = PortRange.parse("30000-30099"); // band of 16
        RangeAllocator alloc = new RangeAllocator(range, AllocationRecords.NODE_PORTS, records, new Random(3));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 100; i++) order.add(Integer.parseInt(alloc.claimNext(a, false, Set.of())));
        assertThat(order.subList(0, 84)).allMatch(p -> p >= 30016);
        assertThat(order.subList(84, 100)).allMatch(p -> p < 30016);
    }

    @Test
    void aClaimTellsNewOwnedAndTakenAndReleaseIsTheOwnersOnly() {
        RangeAllocator alloc = allocator(ServiceCidr.parse("10.43.0.0/16"), 1);
        assertThat(alloc.claim("10.43.0.10", a, false)).isEqualTo(Claim.NEW);
        assertThat(alloc.claim("10.43.0.10", a, false)).isEqualTo(Claim.OWNED);
        assertThat(alloc.claim("10.43.0.10", b, false)).isEqualTo(Claim.TAKEN);
        assertThat(alloc.release("10.43.0.10", b.uid())).as("not b's").isFalse();
        assertThat(records.get(alloc.key("10.43.0.10")).owner()).isEqualTo(a);
        assertThat(alloc.release("10.43.0.10", a.uid())).isTrue();
        assertThat(alloc.release("10.43.0.10", a.uid())).as("already released").isFalse();
        assertThat(alloc.claim("10.43.0.10", b, false)).as("free again").isEqualTo(Claim.NEW);
    }

    @Test
    void dryRunsChooseButWriteNothing() {
        RangeAllocator alloc = allocator(ServiceCidr.parse("10.0.0.0/29"), 5);
        alloc.claim("10.0.0.1", a, false);
        assertThat(alloc.claim("10.0.0.1", b, true)).isEqualTo(Claim.TAKEN);
        assertThat(alloc.claim("10.0.0.2", b, true)).isEqualTo(Claim.NEW);
        String chosen = alloc.claimNext(b, true, Set.of("10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"));
        assertThat(chosen).as("the only value neither taken nor excluded").isEqualTo("10.0.0.2");
        assertThat(records.keys(AllocationRecords.IPS)).containsExactly(AllocationRecords.IPS + "10.0.0.1");
    }

    @Test
    void concurrentClaimsNeverShareAValue() throws Exception {
        RangeAllocator alloc = allocator(ServiceCidr.parse("10.0.0.0/27"), 11); // 30 addresses
        ConcurrentLinkedQueue<String> got = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> full = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 40; t++) {
            Owner o = new Owner("default", "s" + t, "uid-" + t);
            threads.add(Thread.ofVirtual().start(() -> {
                String v = alloc.claimNext(o, false, Set.of());
                if (v == null) full.add(o.name());
                else got.add(v);
            }));
        }
        for (Thread t : threads) t.join();
        assertThat(got).hasSize(30).doesNotHaveDuplicates();
        assertThat(full).hasSize(10);
    }
}
