package dev.beluga.agent.volumes;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.beluga.agent.volumes.TestPods.dataTarget;
import static dev.beluga.agent.volumes.TestPods.exists;
import static dev.beluga.agent.volumes.TestPods.names;
import static dev.beluga.agent.volumes.TestPods.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** configMap, secret, downwardAPI and projected volumes: content, items, modes, optional, errors, refresh. */
class ProjectedVolumesTest {
    @TempDir
    Path root;

    private final FakeObjectSource objects = new FakeObjectSource();
    private final List<Pod> tokenRequests = new ArrayList<>();
    private PodVolumes volumes;

    @BeforeEach
    void setUp() {
        TokenSource tokens = (pod, projection) -> {
            tokenRequests.add(pod);
            return "token-for-" + pod.getSpec().getServiceAccountName() + "-" + projection.getAudience();
        };
        volumes = new PodVolumes(root, objects, Optional.of(tokens), () -> TestPods.ALLOCATABLE, new SystemMounter(), new AtomicWriter());
    }

    private Path dir(String uid, VolumeKind kind, String name) {
        return volumes.dirs().volumeDir(uid, kind, name);
    }

    private static KeyToPath item(String key, String path, Integer mode) {
        return new KeyToPath(key, mode, path);
    }

    @Test
    void configMapAllKeysWithDefaultModeIncludingBinaryData() throws Exception {
        objects.put(new ConfigMapBuilder().withNewMetadata().withNamespace("shop").withName("cfg").endMetadata()
            .addToData("app.properties", "a=1\n").addToData("level", "info")
            .addToBinaryData("logo.bin", Base64.getEncoder().encodeToString(new byte[] {0, 1, 2, (byte) 255})).build());
        Pod pod = pod("u1").editSpec().addNewVolume().withName("config").withNewConfigMap().withName("cfg").endConfigMap().endVolume().endSpec().build();
        Map<String, MountedVolume> set = volumes.setUp(pod);

        Path d = dir("u1", VolumeKind.CONFIG_MAP, "config");
        assertThat(d).isEqualTo(root.resolve("pods/u1/volumes/kubernetes.io~configmap/config"));
        assertThat(set.get("config")).isEqualTo(new MountedVolume("config", VolumeKind.CONFIG_MAP, d, true));
        assertThat(Files.readString(d.resolve("app.properties"))).isEqualTo("a=1\n");
        assertThat(Files.readAllBytes(d.resolve("logo.bin"))).containsExactly(0, 1, 2, 255);
        assertThat(Files.isSymbolicLink(d.resolve("level"))).isTrue();
        assertThat(FileModes.get(d.resolve("..data/level"))).isEqualTo(0644);
        assertThat(names(d)).contains("..data", "app.properties", "level", "logo.bin").hasSize(5);
    }

    @Test
    void configMapItemsWithPathsModesAndDefaultMode() throws Exception {
        objects.configMap("shop", "cfg", Map.of("a", "A", "b", "B", "c", "C"));
        Pod pod = pod("u1").editSpec().addNewVolume().withName("config").withNewConfigMap().withName("cfg").withDefaultMode(0440)
            .withItems(item("a", "conf/a.txt", null), item("b", "b-file", 0600)).endConfigMap().endVolume().endSpec().build();
        volumes.setUp(pod);
        Path d = dir("u1", VolumeKind.CONFIG_MAP, "config");
        assertThat(names(d)).filteredOn(n -> !n.startsWith("..")).containsExactly("b-file", "conf");
        assertThat(Files.readString(d.resolve("conf/a.txt"))).isEqualTo("A");
        assertThat(FileModes.get(d.resolve("..data/conf/a.txt"))).isEqualTo(0440);
        assertThat(FileModes.get(d.resolve("..data/b-file"))).isEqualTo(0600);
    }

    @Test
    void missingConfigMapIsAnErrorUnlessOptionalAndLeavesNoDirectory() throws Exception {
        Pod required = pod("u1").editSpec().addNewVolume().withName("config").withNewConfigMap().withName("nope").endConfigMap().endVolume().endSpec().build();
        assertThatThrownBy(() -> volumes.setUp(required)).isInstanceOf(VolumeException.class)
            .hasMessage("MountVolume.SetUp failed for volume \"config\" : configmap \"nope\" not found")
            .satisfies(e -> assertThat(((VolumeException) e).failures()).containsExactly(Map.entry("config", "configmap \"nope\" not found")));
        assertThat(exists(dir("u1", VolumeKind.CONFIG_MAP, "config"))).isFalse();

        Pod optional = pod("u2").editSpec().addNewVolume().withName("config").withNewConfigMap().withName("nope").withOptional(true)
            .withItems(item("k", "k", null)).endConfigMap().endVolume().endSpec().build();
        volumes.setUp(optional);
        assertThat(names(dir("u2", VolumeKind.CONFIG_MAP, "config"))).filteredOn(n -> !n.startsWith("..2")).containsExactly("..data");
    }

    @Test
    void missingItemKeyIsAnErrorUnlessOptional() throws Exception {
        objects.configMap("shop", "cfg", Map.of("a", "A"));
        Pod required = pod("u1").editSpec().addNewVolume().withName("config").withNewConfigMap().withName("cfg")
            .withItems(item("missing-key", "x", null)).endConfigMap().endVolume().endSpec().build();
        assertThatThrownBy(() -> volumes.setUp(required)).isInstanceOf(VolumeException.class)
            .satisfies(e -> assertThat(((VolumeException) e).failures())
                .containsExactly(Map.entry("config", "configmap references non-existent config key: missing-key")));

        Pod optional = pod("u2").editSpec().addNewVolume().withName("config").withNewConfigMap().withName("cfg").withOptional(true)
            .withItems(item("missing-key", "x", null), item("a", "a", null)).endConfigMap().endVolume().endSpec().build();
        volumes.setUp(optional);
        assertThat(names(dir("u2", VolumeKind.CONFIG_MAP, "config"))).filteredOn(n -> !n.startsWith("..")).containsExactly("a");
    }

    @Test
    void secretDefaultsTo0644AndHonoursDefaultModeAndItems() throws Exception {
        objects.secret("shop", "creds", Map.of("user", "admin", "password", "s3cr3t"));
        Pod pod = pod("u1").editSpec()
            .addNewVolume().withName("plain").withNewSecret().withSecretName("creds").endSecret().endVolume()
            .addNewVolume().withName("strict").withNewSecret().withSecretName("creds").withDefaultMode(0400)
            .withItems(item("password", "db/pass", null), item("user", "db/user", 0440)).endSecret().endVolume().endSpec().build();
        Map<String, MountedVolume> set = volumes.setUp(pod);
        Path plain = dir("u1", VolumeKind.SECRET, "plain");
        Path strict = dir("u1", VolumeKind.SECRET, "strict");
        assertThat(plain).isEqualTo(root.resolve("pods/u1/volumes/kubernetes.io~secret/plain"));
        assertThat(set.get("strict").readOnly()).isTrue();
        assertThat(Files.readString(plain.resolve("password"))).isEqualTo("s3cr3t");
        assertThat(FileModes.get(plain.resolve("..data/password"))).isEqualTo(0644);
        assertThat(Files.readString(strict.resolve("db/pass"))).isEqualTo("s3cr3t");
        assertThat(FileModes.get(strict.resolve("..data/db/pass"))).isEqualTo(0400);
        assertThat(FileModes.get(strict.resolve("..data/db/user"))).isEqualTo(0440);
    }

    @Test
    void missingSecretAndSecretKeyMessages() {
        objects.secret("shop", "creds", Map.of("user", "admin"));
        Pod pod = pod("u1").editSpec()
            .addNewVolume().withName("a").withNewSecret().withSecretName("nope").endSecret().endVolume()
            .addNewVolume().withName("b").withNewSecret().withSecretName("creds").withItems(item("token", "t", null)).endSecret().endVolume()
            .endSpec().build();
        assertThatThrownBy(() -> volumes.setUp(pod)).isInstanceOf(VolumeException.class)
            .satisfies(e -> assertThat(((VolumeException) e).failures()).containsOnly(
                Map.entry("a", "secret \"nope\" not found"), Map.entry("b", "references non-existent secret key: token")));
    }

    @Test
    void downwardApiFilesWithSortedLabelsAndResources() throws Exception {
        Pod pod = pod("u1").editMetadata().addToAnnotations("b", "two\nlines").addToAnnotations("a", "one").endMetadata().editSpec()
            .addNewContainer().withName("main").withNewResources().addToRequests("memory", new Quantity("64Mi")).endResources().endContainer()
            .addNewVolume().withName("info").withNewDownwardAPI().withDefaultMode(0444)
            .addNewItem().withPath("labels").withNewFieldRef().withFieldPath("metadata.labels").endFieldRef().endItem()
            .addNewItem().withPath("annotations").withNewFieldRef().withFieldPath("metadata.annotations").endFieldRef().endItem()
            .addNewItem().withPath("meta/name").withMode(0400).withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endItem()
            .addNewItem().withPath("app").withNewFieldRef().withFieldPath("metadata.labels['app']").endFieldRef().endItem()
            .addNewItem().withPath("mem_limit").withNewResourceFieldRef().withContainerName("main").withResource("limits.memory")
            .withDivisor(new Quantity("1Mi")).endResourceFieldRef().endItem()
            .addNewItem().withPath("mem_request").withNewResourceFieldRef().withContainerName("main").withResource("requests.memory")
            .endResourceFieldRef().endItem()
            .endDownwardAPI().endVolume().endSpec().build();
        volumes.setUp(pod);
        Path d = dir("u1", VolumeKind.DOWNWARD_API, "info");
        assertThat(d).isEqualTo(root.resolve("pods/u1/volumes/kubernetes.io~downward-api/info"));
        assertThat(Files.readString(d.resolve("labels"))).isEqualTo("app=\"web\"\ntier=\"front\"");
        assertThat(Files.readString(d.resolve("annotations"))).isEqualTo("a=\"one\"\nb=\"two\\nlines\"");
        assertThat(Files.readString(d.resolve("meta/name"))).isEqualTo("web-0");
        assertThat(Files.readString(d.resolve("app"))).isEqualTo("web");
        assertThat(Files.readString(d.resolve("mem_limit"))).isEqualTo("8192");
        assertThat(Files.readString(d.resolve("mem_request"))).isEqualTo("67108864");
        assertThat(FileModes.get(d.resolve("..data/labels"))).isEqualTo(0444);
        assertThat(FileModes.get(d.resolve("..data/meta/name"))).isEqualTo(0400);
    }

    @Test
    void downwardApiErrorsAreAggregated() {
        Pod pod = pod("u1").editSpec().addNewVolume().withName("info").withNewDownwardAPI()
            .addNewItem().withPath("a").withNewFieldRef().withFieldPath("status.podIP").endFieldRef().endItem()
            .addNewItem().withPath("b").withNewResourceFieldRef().withContainerName("ghost").withResource("limits.cpu").endResourceFieldRef().endItem()
            .endDownwardAPI().endVolume().endSpec().build();
        assertThatThrownBy(() -> volumes.setUp(pod)).isInstanceOf(VolumeException.class)
            .satisfies(e -> assertThat(((VolumeException) e).failures())
                .containsExactly(Map.entry("info", "[unsupported fieldPath: status.podIP, container ghost not found]")));
    }

    @Test
    void projectedCombinesSourcesWithTheVolumeDefaultModeAndTokens() throws Exception {
        objects.configMap("shop", "cfg", Map.of("ca.crt", "CA"));
        objects.secret("shop", "creds", Map.of("user", "admin"));
        Pod pod = pod("u1").editSpec().withServiceAccountName("builder").addNewVolume().withName("all").withNewProjected().withDefaultMode(0640)
            .addNewSource().withNewConfigMap().withName("cfg").endConfigMap().endSource()
            .addNewSource().withNewSecret().withName("creds").withItems(item("user", "creds/user", 0600)).endSecret().endSource()
            .addNewSource().withNewDownwardAPI().addNewItem().withPath("namespace").withNewFieldRef().withFieldPath("metadata.namespace")
            .endFieldRef().endItem().endDownwardAPI().endSource()
            .addNewSource().withServiceAccountToken(new ServiceAccountTokenProjection("api", 3600L, "token")).endSource()
            .addNewSource().withNewConfigMap().withName("absent").withOptional(true).endConfigMap().endSource()
            .endProjected().endVolume().endSpec().build();
        volumes.setUp(pod);
        Path d = dir("u1", VolumeKind.PROJECTED, "all");
        assertThat(d).isEqualTo(root.resolve("pods/u1/volumes/kubernetes.io~projected/all"));
        assertThat(names(d)).filteredOn(n -> !n.startsWith("..")).containsExactly("ca.crt", "creds", "namespace", "token");
        assertThat(Files.readString(d.resolve("ca.crt"))).isEqualTo("CA");
        assertThat(Files.readString(d.resolve("creds/user"))).isEqualTo("admin");
        assertThat(Files.readString(d.resolve("namespace"))).isEqualTo("shop");
        assertThat(Files.readString(d.resolve("token"))).isEqualTo("token-for-builder-api");
        assertThat(FileModes.get(d.resolve("..data/ca.crt"))).isEqualTo(0640);
        assertThat(FileModes.get(d.resolve("..data/creds/user"))).isEqualTo(0600);
        assertThat(FileModes.get(d.resolve("..data/token"))).isEqualTo(0640);
        assertThat(tokenRequests).hasSize(1);
    }

    @Test
    void projectedTokenWithoutATokenSourceIsAnErrorAndErrorsAreAggregated() {
        PodVolumes noTokens = new PodVolumes(root, objects, () -> TestPods.ALLOCATABLE);
        Pod pod = pod("u1").editSpec().addNewVolume().withName("all").withNewProjected()
            .addNewSource().withNewConfigMap().withName("nope").endConfigMap().endSource()
            .addNewSource().withServiceAccountToken(new ServiceAccountTokenProjection(null, null, "token")).endSource()
            .endProjected().endVolume().endSpec().build();
        assertThatThrownBy(() -> noTokens.setUp(pod)).isInstanceOf(VolumeException.class)
            .satisfies(e -> assertThat(((VolumeException) e).failures()).containsExactly(Map.entry("all",
                "[configmap \"nope\" not found, cannot project a service account token: this node agent has no token source]")));
        assertThat(exists(noTokens.dirs().volumeDir("u1", VolumeKind.PROJECTED, "all"))).isFalse();
    }

    @Test
    void setUpIsIdempotentAndDoesNotRewriteUnchangedContent() throws Exception {
        objects.configMap("shop", "cfg", Map.of("k", "v"));
        Pod pod = pod("u1").editSpec().addNewVolume().withName("config").withNewConfigMap().withName("cfg").endConfigMap().endVolume().endSpec().build();
        volumes.setUp(pod);
        Path d = dir("u1", VolumeKind.CONFIG_MAP, "config");
        String first = dataTarget(d);
        volumes.setUp(pod);
        assertThat(dataTarget(d)).isEqualTo(first);
    }

    @Test
    void refreshSwapsDataWhenTheSourceChangesAndRemovesTheOldVersion() throws Exception {
        objects.configMap("shop", "cfg", Map.of("k", "v1", "gone", "x"));
        objects.secret("shop", "creds", Map.of("p", "1"));
        Pod pod = pod("u1").editSpec()
            .addNewVolume().withName("config").withNewConfigMap().withName("cfg").endConfigMap().endVolume()
            .addNewVolume().withName("secret").withNewSecret().withSecretName("creds").endSecret().endVolume()
            .addNewVolume().withName("scratch").withNewEmptyDir().endEmptyDir().endVolume()
            .endSpec().build();
        volumes.setUp(pod);
        Path d = dir("u1", VolumeKind.CONFIG_MAP, "config");
        Path s = dir("u1", VolumeKind.SECRET, "secret");
        String before = dataTarget(d);
        String secretBefore = dataTarget(s);

        assertThat(volumes.refresh(pod)).isEqualTo(new RefreshResult(java.util.Set.of(), Map.of()));
        assertThat(dataTarget(d)).isEqualTo(before);

        objects.configMap("shop", "cfg", Map.of("k", "v2", "added", "y"));
        RefreshResult r = volumes.refresh(pod);
        assertThat(r.updated()).containsExactly("config");
        assertThat(r.failed()).isEmpty();
        String after = dataTarget(d);
        assertThat(after).isNotEqualTo(before);
        assertThat(names(d)).doesNotContain(before, "gone").contains(after, "added", "k");
        assertThat(Files.readString(d.resolve("k"))).isEqualTo("v2");
        assertThat(dataTarget(s)).isEqualTo(secretBefore);
    }

    @Test
    void refreshKeepsOldContentWhenTheSourceVanishesAndEmptiesOptionalOnes() throws Exception {
        objects.configMap("shop", "cfg", Map.of("k", "v"));
        objects.configMap("shop", "opt", Map.of("k", "v"));
        Pod pod = pod("u1").editSpec()
            .addNewVolume().withName("required").withNewConfigMap().withName("cfg").endConfigMap().endVolume()
            .addNewVolume().withName("optional").withNewConfigMap().withName("opt").withOptional(true).endConfigMap().endVolume()
            .endSpec().build();
        volumes.setUp(pod);
        objects.removeConfigMap("shop", "cfg");
        objects.removeConfigMap("shop", "opt");
        RefreshResult r = volumes.refresh(pod);
        assertThat(r.failed()).containsExactly(Map.entry("required", "configmap \"cfg\" not found"));
        assertThat(r.updated()).containsExactly("optional");
        assertThat(Files.readString(dir("u1", VolumeKind.CONFIG_MAP, "required").resolve("k"))).isEqualTo("v");
        assertThat(exists(dir("u1", VolumeKind.CONFIG_MAP, "optional").resolve("k"))).isFalse();
    }

    @Test
    void refreshFollowsPodMetadataForDownwardApi() throws Exception {
        Pod pod = pod("u1").editSpec().addNewVolume().withName("info").withNewDownwardAPI()
            .addNewItem().withPath("labels").withNewFieldRef().withFieldPath("metadata.labels").endFieldRef().endItem()
            .endDownwardAPI().endVolume().endSpec().build();
        volumes.setUp(pod);
        Pod relabelled = pod("u1").editMetadata().addToLabels("version", "2").endMetadata().withSpec(pod.getSpec()).build();
        assertThat(volumes.refresh(relabelled).updated()).containsExactly("info");
        assertThat(Files.readString(dir("u1", VolumeKind.DOWNWARD_API, "info").resolve("labels")))
            .isEqualTo("app=\"web\"\ntier=\"front\"\nversion=\"2\"");
    }

    @Test
    void refreshIgnoresVolumesNotSetUp() {
        objects.configMap("shop", "cfg", Map.of("k", "v"));
        Pod pod = pod("u1").editSpec().addNewVolume().withName("config").withNewConfigMap().withName("cfg").endConfigMap().endVolume().endSpec().build();
        assertThat(volumes.refresh(pod)).isEqualTo(new RefreshResult(java.util.Set.of(), Map.of()));
        assertThat(exists(dir("u1", VolumeKind.CONFIG_MAP, "config"))).isFalse();
    }

    @Test
    void unavailableSourcesAreReportedPerVolume() {
        objects.unavailable = "failed to sync secret cache: timed out waiting for the condition";
        Pod pod = pod("u1").editSpec().addNewVolume().withName("s").withNewSecret().withSecretName("x").withOptional(true).endSecret().endVolume()
            .endSpec().build();
        assertThatThrownBy(() -> volumes.setUp(pod)).isInstanceOf(VolumeException.class)
            .satisfies(e -> assertThat(((VolumeException) e).failures())
                .containsExactly(Map.entry("s", "failed to sync secret cache: timed out waiting for the condition")));
    }
}
