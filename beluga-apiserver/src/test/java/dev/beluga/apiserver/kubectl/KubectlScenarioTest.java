package dev.beluga.apiserver.kubectl;

import dev.beluga.apiserver.testing.TestServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real kubectl (1.32 and, when installed, 1.27 and 1.33) against a started API server: discovery, apply
 * (client- and server-side), get in its output formats, label, annotate, scale, the three patch types, set image,
 * describe, explain, dry-run, delete, and the errors users see.
 */
class KubectlScenarioTest {
    @TempDir
    static Path dir;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
    }

    static Stream<String> kubectls() {
        List<String> out = new ArrayList<>();
        out.add("/usr/bin/kubectl");
        for (String v : List.of("1.27", "1.33")) out.add("/usr/lib/google-cloud-sdk/bin/kubectl." + v);
        return out.stream();
    }

    private static final String DEPLOYMENT = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: NAME
          labels: {app: NAME}
        spec:
          replicas: 2
          selector:
            matchLabels: {app: NAME}
          template:
            metadata:
              labels: {app: NAME}
            spec:
              containers:
              - name: web
                image: busybox:1.35
                command: ["httpd", "-f"]
                ports:
                - containerPort: 80
        """;

    @ParameterizedTest
    @MethodSource("kubectls")
    void everydayVerbs(String binary) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(binary)), binary + " is not installed");
        String v = Path.of(binary).getFileName().toString().replace('.', '-');
        Path cache = Files.createDirectories(dir.resolve("cache-" + v));
        Kubectl k = new Kubectl(Path.of(binary), server.kubeconfig, cache);
        String ns = "ns-" + v;
        String name = "web";

        assertThat(k.ok("get", "namespaces").out()).contains("default", "kube-system", "Active");
        assertThat(k.ok("create", "namespace", ns, "--dry-run=client", "-o", "yaml").out()).contains("kind: Namespace");
        k.apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: " + ns + "}\n");
        assertThat(k.ok("api-resources").out()).contains("deployments", "deploy", "apps/v1", "Deployment");

        String yaml = DEPLOYMENT.replace("NAME", name);
        assertThat(k.apply(yaml, "-n", ns).out()).contains("deployment.apps/web created");
        assertThat(k.apply(yaml, "-n", ns).out()).contains("deployment.apps/web unchanged");
        assertThat(k.apply(yaml.replace("replicas: 2", "replicas: 3"), "-n", ns).out()).contains("deployment.apps/web configured");

        String table = k.ok("get", "deploy", "-n", ns).out();
        assertThat(table.lines().findFirst().orElseThrow()).containsSubsequence("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE");
        assertThat(table).contains("0/3");
        assertThat(k.ok("get", "deploy", "-n", ns, "-o", "wide").out()).contains("CONTAINERS", "IMAGES", "SELECTOR", "busybox:1.35", "app=web");
        assertThat(k.ok("get", "deploy", name, "-n", ns, "-o", "jsonpath={.metadata.generation}").out()).isEqualTo("2");

        k.ok("label", "deploy", name, "-n", ns, "tier=front");
        k.ok("annotate", "deploy", name, "-n", ns, "note=hello");
        assertThat(k.ok("get", "deploy", "-n", ns, "-l", "tier=front", "-o", "name").out()).contains("deployment.apps/web");
        assertThat(k.ok("get", "deploy", "-n", ns, "-l", "tier in (back)", "-o", "name").out()).isBlank();

        k.ok("scale", "deploy", name, "-n", ns, "--replicas=5");
        assertThat(k.ok("get", "deploy", name, "-n", ns, "-o", "jsonpath={.spec.replicas}").out()).isEqualTo("5");
        k.ok("scale", "deploy", name, "-n", ns, "--current-replicas=5", "--replicas=4");
        assertThat(k.run(null, "scale", "deploy", name, "-n", ns, "--current-replicas=9", "--replicas=1").exit()).isNotZero();

        k.ok("patch", "deploy", name, "-n", ns, "--type=json", "-p", "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":2}]");
        k.ok("patch", "deploy", name, "-n", ns, "--type=merge", "-p", "{\"spec\":{\"minReadySeconds\":3}}");
        k.ok("patch", "deploy", name, "-n", ns, "-p", "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"busybox:1.36\"}]}}}}");
        k.ok("set", "image", "deploy/" + name, "-n", ns, "web=busybox:1.37");
        String got = k.ok("get", "deploy", name, "-n", ns, "-o",
            "jsonpath={.spec.replicas} {.spec.minReadySeconds} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].command[0]} {.metadata.labels.tier}").out();
        assertThat(got).isEqualTo("2 3 busybox:1.37 httpd front");

        assertThat(k.ok("describe", "deploy", name, "-n", ns).out()).contains("Name:", "web", "Replicas:", "2 desired", "busybox:1.37");
        assertThat(k.ok("explain", "deployment").out()).contains("KIND:", "Deployment", "FIELDS:");
        assertThat(k.ok("explain", "pods.spec.containers.ports").out()).contains("containerPort", "<integer>", "protocol");

        assertThat(k.apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dry}\ndata: {a: \"1\"}\n", "-n", ns, "--dry-run=server").out())
            .contains("server dry run");
        assertThat(k.run(null, "get", "cm", "dry", "-n", ns).exit()).isNotZero();

        k.apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: \"1\"}\n", "-n", ns, "--server-side");
        k.apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: \"2\", b: \"3\"}\n", "-n", ns, "--server-side");
        assertThat(k.ok("get", "cm", "ssa", "-n", ns, "-o", "jsonpath={.data.a}{.data.b}").out()).isEqualTo("23");
        assertThat(k.ok("get", "cm", "ssa", "-n", ns, "-o", "yaml", "--show-managed-fields").out()).contains("manager: kubectl", "operation: Apply");
        k.apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: \"2\"}\n", "-n", ns, "--server-side");
        assertThat(k.ok("get", "cm", "ssa", "-n", ns, "-o", "jsonpath={.data}").out()).as("a field no longer applied is removed")
            .contains("\"a\":\"2\"").doesNotContain("\"b\"");
        k.ok("patch", "cm", "ssa", "-n", ns, "--type=merge", "-p", "{\"data\":{\"a\":\"by-patch\"}}");
        Kubectl.Result conflict = k.run("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: \"3\"}\n", "apply", "-f", "-", "-n", ns, "--server-side");
        assertThat(conflict.exit()).isNotZero();
        assertThat(conflict.err()).contains("conflict", ".data.a");
        k.apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: \"3\"}\n", "-n", ns, "--server-side", "--force-conflicts");
        assertThat(k.ok("get", "cm", "ssa", "-n", ns, "-o", "jsonpath={.data.a}").out()).isEqualTo("3");

        Kubectl.Result notFound = k.run(null, "get", "deploy", "nope", "-n", ns);
        assertThat(notFound.exit()).isNotZero();
        assertThat(notFound.err()).contains("Error from server (NotFound)", "deployments.apps \"nope\" not found");
        Kubectl.Result invalid = k.run("apiVersion: v1\nkind: Pod\nmetadata: {name: Bad_Name}\nspec: {containers: [{name: c}]}\n", "apply", "-f", "-", "-n", ns);
        assertThat(invalid.exit()).isNotZero();
        assertThat(invalid.err()).contains("is invalid", "metadata.name", "spec.containers[0].image");
        Kubectl.Result noNs = k.run("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "apply", "-f", "-", "-n", "missing-" + v);
        assertThat(noNs.exit()).isNotZero();
        assertThat(noNs.err()).contains("not found");

        // typed "create" commands send protobuf bodies
        k.ok("create", "deployment", "made", "--image=busybox:1.35", "--replicas=2", "-n", ns, "--", "sleep", "60");
        k.ok("create", "configmap", "made", "--from-literal=a=1", "-n", ns);
        k.ok("create", "secret", "generic", "made", "--from-literal=p=s3cret", "-n", ns);
        assertThat(k.ok("get", "deploy", "made", "-n", ns, "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].command}").out())
            .isEqualTo("2 [\"sleep\",\"60\"]");
        assertThat(k.ok("get", "cm", "made", "-n", ns, "-o", "jsonpath={.data.a}").out()).isEqualTo("1");
        assertThat(k.ok("get", "secret", "made", "-n", ns, "-o", "jsonpath={.data.p}").out()).isEqualTo("czNjcmV0");

        // EndpointSlices print their address type, ports and addresses as upstream
        k.apply("""
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: web-1, labels: {kubernetes.io/service-name: web}}
            addressType: IPv4
            ports: [{name: http, port: 8080, protocol: TCP}]
            endpoints:
            - addresses: [10.42.0.5]
            - addresses: [10.42.0.6]
            - addresses: [10.42.0.7]
            - addresses: [10.42.0.8]
            """, "-n", ns);
        assertThat(k.ok("get", "endpointslices", "-n", ns).out()).contains("ADDRESSTYPE", "PORTS", "ENDPOINTS",
            "web-1", "IPv4", "8080", "10.42.0.5,10.42.0.6,10.42.0.7 + 1 more...");

        // get -w sees changes made while it runs
        Process watch = k.start("get", "cm", "-n", ns, "-w", "--request-timeout=20s");
        Thread.sleep(1500);
        k.apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: watched}\ndata: {a: \"1\"}\n", "-n", ns);
        k.ok("delete", "cm", "watched", "-n", ns);
        Thread.sleep(1500);
        watch.toHandle().destroy(); // unlike Process.destroy, keeps our end of its output open
        watch.waitFor();
        String watched = new String(watch.getInputStream().readAllBytes());
        assertThat(watched.lines().filter(l -> l.startsWith("watched")).count()).as(watched).isGreaterThanOrEqualTo(2);

        // edit through $EDITOR, wait, diff
        Path editor = Files.writeString(dir.resolve("editor-" + v + ".sh"), "#!/bin/sh\nsed -i 's/a: \"3\"/a: \"edited\"/' \"$1\"\n");
        editor.toFile().setExecutable(true);
        assertThat(k.runWithEnv(java.util.Map.of("EDITOR", editor.toString(), "KUBE_EDITOR", editor.toString()), "edit", "cm", "ssa", "-n", ns).exit()).isZero();
        assertThat(k.ok("get", "cm", "ssa", "-n", ns, "-o", "jsonpath={.data.a}").out()).isEqualTo("edited");
        assertThat(k.ok("wait", "--for=jsonpath={.data.a}=edited", "cm/ssa", "-n", ns, "--timeout=10s").out()).contains("condition met");
        Kubectl.Result diff = k.run("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa, namespace: " + ns + "}\ndata: {a: \"diffed\"}\n", "diff", "-f", "-");
        assertThat(diff.exit()).as(diff.toString()).isEqualTo(1);
        assertThat(diff.out()).contains("-  a: edited", "+  a: diffed");
        assertThat(k.ok("get", "cm", "ssa", "-n", ns, "-o", "jsonpath={.data.a}").out()).as("diff changes nothing").isEqualTo("edited");

        assertThat(k.ok("delete", "deploy", name, "-n", ns).out()).contains("deployment.apps \"web\" deleted");
        k.ok("delete", "deploy", "made", "-n", ns);
        assertThat(k.ok("get", "deploy", "-n", ns).err()).contains("No resources found");
    }
}
