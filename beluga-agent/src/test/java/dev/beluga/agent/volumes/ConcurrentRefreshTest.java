package dev.beluga.agent.volumes;

import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.beluga.agent.volumes.TestPods.pod;
import static org.assertj.core.api.Assertions.assertThat;

/** Calls for one pod from several threads are serialized: the layout stays whole, one version remains. */
class ConcurrentRefreshTest {
    @TempDir
    Path root;

    @Test
    void concurrentSetUpAndRefreshLeaveOneConsistentVersion() throws Exception {
        FakeObjectSource objects = new FakeObjectSource().configMap("shop", "cfg", Map.of("k", "0"));
        PodVolumes volumes = new PodVolumes(root, objects, () -> TestPods.ALLOCATABLE);
        Pod pod = pod("u1").editSpec().addNewVolume().withName("c").withNewConfigMap().withName("cfg").endConfigMap().endVolume().endSpec().build();
        volumes.setUp(pod);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        objects.configMap("shop", "cfg", Map.of("k", thread + "-" + i));
                        if (i % 5 == 0) volumes.setUp(pod);
                        else assertThat(volumes.refresh(pod).failed()).isEmpty();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        volumes.refresh(pod);
        Path dir = volumes.dirs().volumeDir("u1", VolumeKind.CONFIG_MAP, "c");
        assertThat(TestPods.names(dir)).filteredOn(n -> n.startsWith("..2")).containsExactly(TestPods.dataTarget(dir));
        assertThat(TestPods.names(dir)).doesNotContain(AtomicWriter.NEW_DATA_DIR);
        assertThat(Files.readString(dir.resolve("k"))).isEqualTo(objects.configMap("shop", "cfg").orElseThrow().getData().get("k"));
    }
}
