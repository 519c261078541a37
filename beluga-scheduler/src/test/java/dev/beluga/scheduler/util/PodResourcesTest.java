package dev.beluga.scheduler.util;

import dev.beluga.scheduler.framework.Resource;
import dev.beluga.scheduler.testing.TestPods;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Upstream {@code resourcehelper.TestPodRequests} and {@code schedutil.TestGetNonzeroRequests}. */
class PodResourcesTest {
    private static final long MI = 1024L * 1024;

    static Stream<Arguments> cases() {
        return Stream.of(
            Arguments.of("no requests", TestPods.pod("p"), 0, 0, 100, 200 * MI),
            Arguments.of("app containers are summed", TestPods.pod("p").cpu("100m").memory("1Mi").container("200m", "2Mi"), 300, 3 * MI, 300, 3 * MI),
            Arguments.of("a larger init container wins", TestPods.pod("p").cpu("100m").memory("1Mi").initContainer("500m", "1Mi"), 500, MI, 500, MI),
            Arguments.of("init containers are not summed", TestPods.pod("p").cpu("100m").initContainer("300m", null).initContainer("400m", null),
                400, 0, 400, 200 * MI),
            Arguments.of("sidecars add to the app containers", TestPods.pod("p").cpu("100m").memory("1Mi").sidecar("50m", "1Mi"), 150, 2 * MI, 150, 2 * MI),
            Arguments.of("an init container after a sidecar runs alongside it",
                TestPods.pod("p").cpu("100m").sidecar("50m", null).initContainer("200m", null), 250, 0, 250, 400 * MI),
            Arguments.of("overhead is added", TestPods.pod("p").cpu("100m").memory("1Mi").overhead("10m", "1Mi"), 110, 2 * MI, 110, 2 * MI),
            Arguments.of("only cpu requested: memory defaults for scoring", TestPods.pod("p").cpu("1"), 1000, 0, 1000, 200 * MI),
            Arguments.of("an explicit zero is not defaulted", TestPods.pod("p").cpu("0").memory("0"), 0, 0, 0, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void requests(String name, TestPods.Builder pod, long milliCpu, long memory, long nonZeroMilliCpu, long nonZeroMemory) {
        Resource r = PodResources.requests(pod.build());
        assertThat(r.milliCpu).isEqualTo(milliCpu);
        assertThat(r.memory).isEqualTo(memory);
        Resource nz = PodResources.nonZeroRequests(pod.build());
        assertThat(nz.milliCpu).isEqualTo(nonZeroMilliCpu);
        assertThat(nz.memory).isEqualTo(nonZeroMemory);
    }
}
