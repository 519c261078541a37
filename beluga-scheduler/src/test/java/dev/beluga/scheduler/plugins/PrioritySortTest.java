package dev.beluga.scheduler.plugins;

import dev.beluga.scheduler.framework.PodInfo;
import dev.beluga.scheduler.framework.QueuedPodInfo;
import dev.beluga.scheduler.plugins.queuesort.PrioritySort;
import dev.beluga.scheduler.testing.TestPods;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Upstream {@code queuesort.TestLess}. */
class PrioritySortTest {
    private static QueuedPodInfo queued(String name, int priority, long timestamp) {
        return new QueuedPodInfo(PodInfo.of(TestPods.pod(name).priority(priority).build()), timestamp);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "p1.priority less than p2.priority, 100, 1000, 200, 1000, false",
        "p1.priority greater than p2.priority, 200, 1000, 100, 1000, true",
        "equal priority. p1 is added to schedulingQ earlier than p2, 100, 1000, 100, 2000, true",
        "equal priority. p2 is added to schedulingQ earlier than p1, 100, 2000, 100, 1000, false",
        "equal priority and timestamp, 100, 1000, 100, 1000, false",
        "higher priority wins even if added later, 200, 5000, 100, 1000, true",
        "negative priorities, -5, 1000, -10, 1000, true",
    })
    void less(String name, int p1, long t1, int p2, long t2, boolean want) {
        assertThat(new PrioritySort().less(queued("p1", p1, t1), queued("p2", p2, t2))).isEqualTo(want);
    }
}
