package dev.beluga.agent.env;

import dev.beluga.agent.volumes.FakeObjectSource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The environment of a container: every source kind, order and overriding, expansion against earlier variables,
 * optional references, and the kubelet's error messages.
 */
class EnvResolverTest {
    private static final List<String> POD_IPS = List.of("10.1.0.7", "fd00::7");
    private static final List<String> HOST_IPS = List.of("192.168.1.10", "fd00::10");
    private static final Map<String, Quantity> ALLOCATABLE = Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi"),
        "ephemeral-storage", new Quantity("100Gi"));

    private final FakeObjectSource objects = new FakeObjectSource();
    private final EnvResolver resolver = new EnvResolver(objects);

    private static PodBuilder pod() {
        return new PodBuilder().withNewMetadata().withName("web-0").withNamespace("shop").withUid("uid-1")
            .addToLabels("app", "web").addToLabels("tier", "front").addToAnnotations("note", "say \"hi\"").endMetadata()
            .withNewSpec().withNodeName("node-a").withServiceAccountName("builder").endSpec();
    }

    private static Container container(EnvVar... env) {
        return new ContainerBuilder().withName("main").withEnv(env).build();
    }

    private static EnvVar value(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }

    private static EnvVar field(String name, String path) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewFieldRef().withFieldPath(path).endFieldRef().endValueFrom().build();
    }

    private static EnvVar resource(String name, String container, String res, String divisor) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewResourceFieldRef().withContainerName(container)
            .withResource(res).withDivisor(divisor == null ? null : new Quantity(divisor)).endResourceFieldRef().endValueFrom().build();
    }

    private List<EnvVariable> resolve(Pod pod, Container c) throws EnvException {
        return resolver.resolve(pod, c, POD_IPS, HOST_IPS, ALLOCATABLE).variables();
    }

    private Map<String, String> resolveMap(Pod pod, Container c) throws EnvException {
        return EnvVariable.toMap(resolve(pod, c));
    }

    private void service(String ns, String name, String clusterIp, int port) {
        objects.put(new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
            .withNewSpec().withClusterIP(clusterIp).addNewPort().withName("https").withPort(port).withProtocol("TCP").endPort().endSpec().build());
    }

    @Test
    void plainValuesInOrder() throws Exception {
        assertThat(resolve(pod().build(), container(value("B", "2"), value("A", "1"), value("EMPTY", ""))))
            .containsExactly(new EnvVariable("B", "2"), new EnvVariable("A", "1"), new EnvVariable("EMPTY", ""));
    }

    @Test
    void envFromConfigMapAndSecretWithPrefixThenEnv() throws Exception {
        objects.configMap("shop", "cfg", Map.of("LOG_LEVEL", "debug", "MODE", "fast"));
        objects.secret("shop", "creds", Map.of("PASSWORD", "s3cr3t", "USER", "admin"));
        Container c = new ContainerBuilder().withName("main")
            .addNewEnvFrom().withNewConfigMapRef().withName("cfg").endConfigMapRef().endEnvFrom()
            .addNewEnvFrom().withPrefix("DB_").withNewSecretRef().withName("creds").endSecretRef().endEnvFrom()
            .withEnv(value("EXTRA", "x")).build();
        assertThat(resolve(pod().build(), c)).containsExactly(
            new EnvVariable("LOG_LEVEL", "debug"), new EnvVariable("MODE", "fast"),
            new EnvVariable("DB_PASSWORD", "s3cr3t"), new EnvVariable("DB_USER", "admin"), new EnvVariable("EXTRA", "x"));
    }

    @Test
    void laterDefinitionsOverrideButKeepTheFirstPosition() throws Exception {
        objects.configMap("shop", "a", Map.of("X", "from-a", "Y", "from-a"));
        objects.configMap("shop", "b", Map.of("Y", "from-b"));
        Container c = new ContainerBuilder().withName("main")
            .addNewEnvFrom().withNewConfigMapRef().withName("a").endConfigMapRef().endEnvFrom()
            .addNewEnvFrom().withNewConfigMapRef().withName("b").endConfigMapRef().endEnvFrom()
            .withEnv(value("Z", "z"), value("X", "from-env"), value("Z", "z2")).build();
        assertThat(resolve(pod().build(), c)).containsExactly(
            new EnvVariable("X", "from-env"), new EnvVariable("Y", "from-b"), new EnvVariable("Z", "z2"));
    }

    @Test
    void optionalMissingEnvFromIsSkippedAndRequiredIsAnError() throws Exception {
        Container optional = new ContainerBuilder().withName("main")
            .addNewEnvFrom().withNewConfigMapRef().withName("nope").withOptional(true).endConfigMapRef().endEnvFrom()
            .addNewEnvFrom().withNewSecretRef().withName("nope").withOptional(true).endSecretRef().endEnvFrom().build();
        assertThat(resolve(pod().build(), optional)).isEmpty();

        Container cm = new ContainerBuilder().withName("main").addNewEnvFrom().withNewConfigMapRef().withName("x").endConfigMapRef().endEnvFrom().build();
        assertThatThrownBy(() -> resolve(pod().build(), cm)).isInstanceOf(EnvException.class).hasMessage("configmap \"x\" not found");
        Container s = new ContainerBuilder().withName("main").addNewEnvFrom().withNewSecretRef().withName("s").endSecretRef().endEnvFrom().build();
        assertThatThrownBy(() -> resolve(pod().build(), s)).isInstanceOf(EnvException.class).hasMessage("secret \"s\" not found");
    }

    @Test
    void invalidEnvFromKeysAreSkippedWithTheKubeletWarningUnderTheStrictRule() throws Exception {
        objects.configMap("shop", "myconfig", Map.of("1badkey", "a", "2alsobad", "b", "good", "c"));
        objects.secret("shop", "mysecret", Map.of("3bad", "d", "ok", "e"));
        Container c = new ContainerBuilder().withName("main")
            .addNewEnvFrom().withNewConfigMapRef().withName("myconfig").endConfigMapRef().endEnvFrom()
            .addNewEnvFrom().withNewSecretRef().withName("mysecret").endSecretRef().endEnvFrom().build();
        ResolvedEnv strict = new EnvResolver(objects, EnvVarNameRule.STRICT).resolve(pod().build(), c, POD_IPS, HOST_IPS, ALLOCATABLE);
        assertThat(strict.variables()).containsExactly(new EnvVariable("good", "c"), new EnvVariable("ok", "e"));
        assertThat(strict.warnings()).containsExactly(
            "Keys [1badkey, 2alsobad] from the EnvFrom configMap shop/myconfig were skipped since they are considered invalid environment variable names.",
            "Keys [3bad] from the EnvFrom secret shop/mysecret were skipped since they are considered invalid environment variable names.");

        ResolvedEnv relaxed = resolver.resolve(pod().build(), c, POD_IPS, HOST_IPS, ALLOCATABLE);
        assertThat(relaxed.warnings()).isEmpty();
        assertThat(EnvVariable.toMap(relaxed.variables())).containsKeys("1badkey", "2alsobad", "good", "3bad", "ok");
    }

    @Test
    void relaxedRuleStillRejectsEqualsAndControlCharacters() {
        assertThat(EnvVarNameRule.RELAXED.accepts("a=b")).isFalse();
        assertThat(EnvVarNameRule.RELAXED.accepts("tab\tkey")).isFalse();
        assertThat(EnvVarNameRule.RELAXED.accepts("")).isFalse();
        assertThat(EnvVarNameRule.RELAXED.accepts("1 weird.name-ok")).isTrue();
        assertThat(EnvVarNameRule.STRICT.accepts("_a.b-c9")).isTrue();
        assertThat(EnvVarNameRule.STRICT.accepts("9a")).isFalse();
    }

    @Test
    void keyRefsReadValuesAndReportMissingKeysLikeTheKubelet() throws Exception {
        objects.configMap("shop", "cfg", Map.of("level", "info"));
        objects.secret("shop", "creds", Map.of("token", "t0k3n"));
        EnvVar cmRef = new EnvVarBuilder().withName("LEVEL").withNewValueFrom().withNewConfigMapKeyRef("level", "cfg", null).endValueFrom().build();
        EnvVar secretRef = new EnvVarBuilder().withName("TOKEN").withNewValueFrom().withNewSecretKeyRef("token", "creds", null).endValueFrom().build();
        assertThat(resolveMap(pod().build(), container(cmRef, secretRef))).containsExactly(Map.entry("LEVEL", "info"), Map.entry("TOKEN", "t0k3n"));

        EnvVar missingCmKey = new EnvVarBuilder().withName("K").withNewValueFrom().withNewConfigMapKeyRef("k", "cfg", null).endValueFrom().build();
        assertThatThrownBy(() -> resolve(pod().build(), container(missingCmKey))).hasMessage("couldn't find key k in ConfigMap shop/cfg");
        EnvVar missingSecretKey = new EnvVarBuilder().withName("K").withNewValueFrom().withNewSecretKeyRef("k", "creds", null).endValueFrom().build();
        assertThatThrownBy(() -> resolve(pod().build(), container(missingSecretKey))).hasMessage("couldn't find key k in Secret shop/creds");
        EnvVar missingCm = new EnvVarBuilder().withName("K").withNewValueFrom().withNewConfigMapKeyRef("k", "x", false).endValueFrom().build();
        assertThatThrownBy(() -> resolve(pod().build(), container(missingCm))).hasMessage("configmap \"x\" not found");
        EnvVar missingSecret = new EnvVarBuilder().withName("K").withNewValueFrom().withNewSecretKeyRef("k", "s", null).endValueFrom().build();
        assertThatThrownBy(() -> resolve(pod().build(), container(missingSecret))).hasMessage("secret \"s\" not found");
    }

    @Test
    void optionalKeyRefsThatAreAbsentLeaveTheVariableUnsetAndDoNotOverride() throws Exception {
        objects.configMap("shop", "cfg", Map.of("A", "from-envFrom"));
        Container c = new ContainerBuilder().withName("main")
            .addNewEnvFrom().withNewConfigMapRef().withName("cfg").endConfigMapRef().endEnvFrom()
            .withEnv(
                new EnvVarBuilder().withName("A").withNewValueFrom().withNewConfigMapKeyRef("missing", "cfg", true).endValueFrom().build(),
                new EnvVarBuilder().withName("B").withNewValueFrom().withNewConfigMapKeyRef("k", "no-such-cm", true).endValueFrom().build(),
                new EnvVarBuilder().withName("C").withNewValueFrom().withNewSecretKeyRef("k", "no-such-secret", true).endValueFrom().build())
            .build();
        assertThat(resolve(pod().build(), c)).containsExactly(new EnvVariable("A", "from-envFrom"));
    }

    @Test
    void eachObjectIsReadOncePerCall() throws Exception {
        objects.configMap("shop", "cfg", Map.of("a", "1", "b", "2"));
        Container c = new ContainerBuilder().withName("main")
            .addNewEnvFrom().withNewConfigMapRef().withName("cfg").endConfigMapRef().endEnvFrom()
            .withEnv(new EnvVarBuilder().withName("A").withNewValueFrom().withNewConfigMapKeyRef("a", "cfg", null).endValueFrom().build(),
                new EnvVarBuilder().withName("B").withNewValueFrom().withNewConfigMapKeyRef("b", "cfg", null).endValueFrom().build())
            .build();
        resolve(pod().build(), c);
        assertThat(objects.configMapReads.get()).isEqualTo(1);
    }

    @Test
    void fieldRefsForEveryPodField() throws Exception {
        Pod pod = pod().build();
        Map<String, String> env = resolveMap(pod, container(
            field("NAME", "metadata.name"), field("NS", "metadata.namespace"), field("UID", "metadata.uid"),
            field("APP", "metadata.labels['app']"), field("NOTE", "metadata.annotations['note']"),
            field("ABSENT", "metadata.labels['absent']"), field("LABELS", "metadata.labels"),
            field("ANNOTATIONS", "metadata.annotations"), field("NODE", "spec.nodeName"), field("SA", "spec.serviceAccountName"),
            field("HOST_IP", "status.hostIP"), field("HOST_IPS", "status.hostIPs"), field("POD_IP", "status.podIP"),
            field("POD_IPS", "status.podIPs"), field("LEGACY_HOST", "spec.host")));
        assertThat(env).containsExactly(
            Map.entry("NAME", "web-0"), Map.entry("NS", "shop"), Map.entry("UID", "uid-1"), Map.entry("APP", "web"),
            Map.entry("NOTE", "say \"hi\""), Map.entry("ABSENT", ""), Map.entry("LABELS", "app=\"web\"\ntier=\"front\""),
            Map.entry("ANNOTATIONS", "note=\"say \\\"hi\\\"\""), Map.entry("NODE", "node-a"), Map.entry("SA", "builder"),
            Map.entry("HOST_IP", "192.168.1.10"), Map.entry("HOST_IPS", "192.168.1.10,fd00::10"), Map.entry("POD_IP", "10.1.0.7"),
            Map.entry("POD_IPS", "10.1.0.7,fd00::7"), Map.entry("LEGACY_HOST", "node-a"));
    }

    @Test
    void fieldRefErrorsCarryTheKubeletMessages() {
        assertThatThrownBy(() -> resolve(pod().build(), container(field("X", "spec.nope")))).hasMessage("field label not supported: spec.nope");
        assertThatThrownBy(() -> resolve(pod().build(), container(field("X", "spec.containers['a']"))))
            .hasMessage("field label does not support subscript: spec.containers['a']");
        // accepted by the API's label check, but the kubelet cannot extract it
        assertThatThrownBy(() -> resolve(pod().build(), container(field("X", "status.phase")))).hasMessage("unsupported fieldPath: status.phase");
        EnvVar v2 = new EnvVarBuilder().withName("X").withNewValueFrom().withNewFieldRef("v2", "metadata.name").endValueFrom().build();
        assertThatThrownBy(() -> resolve(pod().build(), container(v2))).hasMessage("unsupported pod version: v2");
        assertThatThrownBy(() -> resolver.resolve(pod().build(), container(field("X", "status.hostIP")), POD_IPS, List.of(), ALLOCATABLE))
            .hasMessage("host IP unknown; known addresses: []");
    }

    @Test
    void explicitApiVersionV1IsAccepted() throws Exception {
        EnvVar v1 = new EnvVarBuilder().withName("X").withNewValueFrom().withNewFieldRef("v1", "metadata.name").endValueFrom().build();
        assertThat(resolveMap(pod().build(), container(v1))).containsEntry("X", "web-0");
    }

    @Test
    void resourceFieldRefsRoundUpAndFallBackToAllocatable() throws Exception {
        Pod pod = pod().editSpec().addNewContainer().withName("main").withNewResources()
            .addToLimits("cpu", new Quantity("250m")).addToLimits("memory", new Quantity("0"))
            .addToRequests("cpu", new Quantity("100m")).addToRequests("memory", new Quantity("64Mi"))
            .addToRequests("ephemeral-storage", new Quantity("1Gi")).addToLimits("hugepages-2Mi", new Quantity("4Mi")).endResources().endContainer()
            .addNewContainer().withName("side").withNewResources().addToLimits("memory", new Quantity("1Gi")).endResources().endContainer()
            .endSpec().build();
        Container main = pod.getSpec().getContainers().getFirst();
        main = new ContainerBuilder(main).withEnv(
            resource("CPU", null, "limits.cpu", null),
            resource("CPU_M", null, "limits.cpu", "1m"),
            resource("MEM", null, "limits.memory", null),
            resource("MEM_MI", null, "limits.memory", "1Mi"),
            resource("EPH_GI", null, "limits.ephemeral-storage", "1Gi"),
            resource("REQ_CPU_M", null, "requests.cpu", "1m"),
            resource("REQ_CPU", null, "requests.cpu", null),
            resource("REQ_MEM_MI", null, "requests.memory", "1Mi"),
            resource("REQ_MEM_100M", null, "requests.memory", "100M"),
            resource("REQ_EPH", null, "requests.ephemeral-storage", "1Mi"),
            resource("HUGE_MI", null, "limits.hugepages-2Mi", "1Mi"),
            resource("SIDE_MEM", "side", "limits.memory", "1Mi"),
            resource("SIDE_CPU", "side", "limits.cpu", null),
            resource("ZERO_DIVISOR", null, "limits.cpu", "0")).build();
        assertThat(resolveMap(pod, main)).containsExactly(
            Map.entry("CPU", "1"), Map.entry("CPU_M", "250"), Map.entry("MEM", "8589934592"), Map.entry("MEM_MI", "8192"),
            Map.entry("EPH_GI", "100"), Map.entry("REQ_CPU_M", "100"), Map.entry("REQ_CPU", "1"), Map.entry("REQ_MEM_MI", "64"),
            Map.entry("REQ_MEM_100M", "1"), Map.entry("REQ_EPH", "1024"), Map.entry("HUGE_MI", "4"), Map.entry("SIDE_MEM", "1024"),
            Map.entry("SIDE_CPU", "4"), Map.entry("ZERO_DIVISOR", "1"));
    }

    @Test
    void resourceFieldRefErrorsCarryTheKubeletMessages() {
        Pod pod = pod().editSpec().addNewContainer().withName("main").endContainer().endSpec().build();
        assertThatThrownBy(() -> resolve(pod, container(resource("X", null, "limits.nvidia.com/gpu", null))))
            .hasMessage("unsupported container resource : limits.nvidia.com/gpu");
        assertThatThrownBy(() -> resolve(pod, container(resource("X", "ghost", "limits.cpu", null)))).hasMessage("container ghost not found");
    }

    @Test
    void missingRequestsAreZeroAndNeverDefaulted() throws Exception {
        Pod pod = pod().editSpec().addNewContainer().withName("main").endContainer().endSpec().build();
        assertThat(resolveMap(pod, container(resource("R", null, "requests.memory", null), resource("L", null, "limits.memory", "1Gi"))))
            .containsExactly(Map.entry("R", "0"), Map.entry("L", "8"));
    }

    @Test
    void expansionSeesEarlierVariablesEnvFromAndServicesButNotLaterOnes() throws Exception {
        objects.configMap("shop", "cfg", Map.of("FROM_CM", "cm"));
        service("default", "kubernetes", "10.96.0.1", 443);
        Container c = new ContainerBuilder().withName("main")
            .addNewEnvFrom().withNewConfigMapRef().withName("cfg").endConfigMapRef().endEnvFrom()
            .withEnv(value("A", "a"),
                value("B", "$(A)-$(FROM_CM)-$(KUBERNETES_SERVICE_HOST)"),
                value("C", "$(LATER)|$$(A)|$(UNDEFINED)"),
                field("NAME", "metadata.name"),
                value("D", "$(NAME)"),
                value("LATER", "late"),
                value("SELF", "$(SELF)")).build();
        Map<String, String> env = resolveMap(pod().build(), c);
        assertThat(env).containsEntry("B", "a-cm-10.96.0.1").containsEntry("C", "$(LATER)|$(A)|$(UNDEFINED)")
            .containsEntry("D", "web-0").containsEntry("SELF", "$(SELF)");
    }

    @Test
    void valueFromResultsAreNeverExpanded() throws Exception {
        objects.configMap("shop", "cfg", Map.of("tpl", "$(A)"));
        Container c = container(value("A", "a"),
            new EnvVarBuilder().withName("T").withNewValueFrom().withNewConfigMapKeyRef("tpl", "cfg", null).endValueFrom().build());
        assertThat(resolveMap(pod().build(), c)).containsEntry("T", "$(A)");
    }

    @Test
    void envFromValuesAreNotExpandedButEnvValuesReferencingThemAre() throws Exception {
        objects.configMap("shop", "cfg", Map.of("RAW", "$(X)", "X", "x"));
        Container c = new ContainerBuilder().withName("main")
            .addNewEnvFrom().withNewConfigMapRef().withName("cfg").endConfigMapRef().endEnvFrom()
            .withEnv(value("USE", "$(RAW)")).build();
        assertThat(resolveMap(pod().build(), c)).containsEntry("RAW", "$(X)").containsEntry("USE", "$(X)");
    }

    @Test
    void serviceVariablesComeLastAndContainerDefinitionsReplaceThem() throws Exception {
        service("default", "kubernetes", "10.96.0.1", 443);
        service("shop", "db", "10.96.0.20", 5432);
        Container c = container(value("APP", "1"), value("DB_SERVICE_HOST", "override"));
        List<EnvVariable> env = resolve(pod().build(), c);
        assertThat(env.subList(0, 2)).containsExactly(new EnvVariable("APP", "1"), new EnvVariable("DB_SERVICE_HOST", "override"));
        assertThat(env.stream().map(EnvVariable::name)).doesNotHaveDuplicates();
        assertThat(env.stream().filter(v -> v.name().equals("DB_SERVICE_HOST"))).hasSize(1);
        assertThat(EnvVariable.toMap(env)).containsEntry("DB_SERVICE_PORT", "5432").containsEntry("KUBERNETES_SERVICE_HOST", "10.96.0.1");
    }

    @Test
    void serviceLinksOffKeepsOnlyTheMasterService() throws Exception {
        service("default", "kubernetes", "10.96.0.1", 443);
        service("shop", "db", "10.96.0.20", 5432);
        Pod pod = pod().editSpec().withEnableServiceLinks(false).endSpec().build();
        Map<String, String> env = resolveMap(pod, container());
        assertThat(env).containsEntry("KUBERNETES_SERVICE_HOST", "10.96.0.1").doesNotContainKey("DB_SERVICE_HOST");
    }

    @Test
    void unavailableObjectsAreErrorsEvenWhenOptional() {
        objects.unavailable = "failed to sync configmap cache: timed out waiting for the condition";
        Container c = new ContainerBuilder().withName("main")
            .addNewEnvFrom().withNewConfigMapRef().withName("cfg").withOptional(true).endConfigMapRef().endEnvFrom().build();
        assertThatThrownBy(() -> resolve(pod().build(), c)).isInstanceOf(EnvException.class)
            .hasMessage("failed to sync configmap cache: timed out waiting for the condition");
    }

    @Test
    void toKeyValuesMakesCriPairs() {
        var kv = EnvVariable.toKeyValues(List.of(new EnvVariable("A", "ä")));
        assertThat(kv).hasSize(1);
        assertThat(kv.getFirst().getKey()).isEqualTo("A");
        assertThat(kv.getFirst().getValue().toStringUtf8()).isEqualTo("ä");
    }
}
