package dev.beluga.cli;

import dev.beluga.cli.args.CliRunner;
import dev.beluga.hollow.HollowNodeSpec;
import dev.beluga.hollow.HollowNodes;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real kubectl against {@code beluga server} (scheduler and controllers in-process) with hollow nodes whose fake
 * kubelet reports pods Running: a Deployment's rollout, image update, undo and history, a DaemonSet's rollout,
 * cascading deletion and namespace deletion — what a user types.
 */
class KubectlWorkloadsTest {
    @TempDir
    Path dir;

    private record Out(int exit, String text) {
    }

    private Out kubectl(Path kubeconfig, String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString(), "--cache-dir", dir.resolve("cache").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("HOME", dir.toString());
        Path out = Files.createTempFile(dir, "kubectl", ".txt");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish");
        }
        return new Out(p.exitValue(), Files.readString(out));
    }

    private Out ok(Path kubeconfig, String... args) throws Exception {
        Out o = kubectl(kubeconfig, null, args);
        assertThat(o.exit()).as("kubectl %s:%n%s", String.join(" ", args), o.text()).isZero();
        return o;
    }

    @Test
    void deploymentsRollOutUpdateRollBackAndDaemonSetsRollOut() throws Exception {
        ServerCommand cmd = new ServerCommand();
        cmd.disableAgent = true;
        CliRunner.bind(cmd, "--data-dir", dir.resolve("data").toString(), "--https-port", "0");
        try (ServerCommand.Running server = cmd.start();
             KubernetesClient client = ControlPlaneComponents.client(server.kubeconfig());
             HollowNodes nodes = new HollowNodes(client, HollowNodeSpec.of(3, "node"))) {
            nodes.register();
            Path kc = server.kubeconfig();
            ok(kc, "create", "deployment", "web", "--image=busybox:1.35", "--replicas=3");
            assertThat(ok(kc, "rollout", "status", "deployment/web", "--timeout=90s").text()).contains("successfully rolled out");
            ok(kc, "set", "image", "deployment/web", "busybox=busybox:latest");
            assertThat(ok(kc, "rollout", "status", "deployment/web", "--timeout=90s").text()).contains("successfully rolled out");
            ok(kc, "rollout", "undo", "deployment/web");
            assertThat(ok(kc, "rollout", "status", "deployment/web", "--timeout=90s").text()).contains("successfully rolled out");
            String history = ok(kc, "rollout", "history", "deployment/web").text();
            assertThat(history.lines().map(String::trim).filter(l -> l.matches("\\d+\\s.*")).map(l -> l.split("\\s+")[0]).toList())
                .as(history).containsExactly("2", "3");
            assertThat(ok(kc, "get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image} {.status.availableReplicas}").text())
                .isEqualTo("busybox:1.35 3");
            assertThat(ok(kc, "get", "rs", "-o", "name").text().lines().count()).isEqualTo(2);
            ok(kc, "rollout", "restart", "deployment/web");
            assertThat(ok(kc, "rollout", "status", "deployment/web", "--timeout=90s").text()).contains("successfully rolled out");
            assertThat(ok(kc, "get", "rs", "-o", "name").text().lines().count()).as("restart makes a new ReplicaSet").isEqualTo(3);

            Out applied = kubectl(kc, """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent}
                spec:
                  selector: {matchLabels: {app: agent}}
                  template:
                    metadata: {labels: {app: agent}}
                    spec: {containers: [{name: agent, image: busybox:1.35}]}
                """, "apply", "-f", "-");
            assertThat(applied.exit()).as(applied.text()).isZero();
            assertThat(ok(kc, "rollout", "status", "daemonset/agent", "--timeout=90s").text()).contains("successfully rolled out");
            assertThat(ok(kc, "get", "pods", "-l", "app=agent", "-o", "jsonpath={.items[*].spec.nodeName}").text().split(" "))
                .containsExactlyInAnyOrder("node-0", "node-1", "node-2");

            ok(kc, "delete", "deployment", "web");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && !ok(kc, "get", "rs,pods", "-l", "app=web", "-o", "name").text().isBlank()) Thread.sleep(200);
            assertThat(ok(kc, "get", "rs,pods", "-l", "app=web", "-o", "name").text()).as("collected by the garbage collector").isBlank();

            ok(kc, "create", "namespace", "scratch");
            ok(kc, "create", "configmap", "c", "-n", "scratch", "--from-literal=k=v");
            assertThat(ok(kc, "delete", "namespace", "scratch", "--timeout=60s").text()).contains("deleted");
        }
    }

    @Test
    void statefulSetsJobsAndCronJobsAsKubectlShowsThem() throws Exception {
        ServerCommand cmd = new ServerCommand();
        cmd.disableAgent = true;
        CliRunner.bind(cmd, "--data-dir", dir.resolve("data").toString(), "--https-port", "0");
        try (ServerCommand.Running server = cmd.start();
             KubernetesClient client = ControlPlaneComponents.client(server.kubeconfig());
             HollowNodes nodes = new HollowNodes(client, HollowNodeSpec.of(3, "node"))) {
            nodes.register();
            Path kc = server.kubeconfig();
            Out applied = kubectl(kc, """
                apiVersion: v1
                kind: Service
                metadata: {name: db}
                spec: {clusterIP: None, selector: {app: db}, ports: [{port: 5432}]}
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db}
                spec:
                  serviceName: db
                  replicas: 3
                  selector: {matchLabels: {app: db}}
                  template:
                    metadata: {labels: {app: db}}
                    spec: {containers: [{name: db, image: busybox:1.35}]}
                  volumeClaimTemplates:
                  - metadata: {name: data}
                    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
                """, "apply", "-f", "-");
            assertThat(applied.exit()).as(applied.text()).isZero();
            assertThat(ok(kc, "rollout", "status", "statefulset/db", "--timeout=90s").text()).contains("roll out complete");
            assertThat(ok(kc, "get", "pods", "-l", "app=db", "-o", "name").text().lines().toList())
                .containsExactly("pod/db-0", "pod/db-1", "pod/db-2");
            assertThat(ok(kc, "get", "pvc", "-o", "name").text().lines().toList())
                .containsExactly("persistentvolumeclaim/data-db-0", "persistentvolumeclaim/data-db-1", "persistentvolumeclaim/data-db-2");
            ok(kc, "set", "image", "statefulset/db", "db=busybox:latest");
            assertThat(ok(kc, "rollout", "status", "statefulset/db", "--timeout=90s").text()).contains("roll out complete: 3 new pods have been updated");
            ok(kc, "rollout", "undo", "statefulset/db");
            assertThat(ok(kc, "rollout", "status", "statefulset/db", "--timeout=90s").text()).contains("roll out complete: 3 new pods have been updated");
            assertThat(ok(kc, "get", "pods", "-l", "app=db", "-o", "jsonpath={.items[*].spec.containers[0].image}").text().split(" "))
                .containsOnly("busybox:1.35");
            String history = ok(kc, "rollout", "history", "statefulset/db").text();
            assertThat(history.lines().map(String::trim).filter(l -> l.matches("\\d+\\s*.*")).map(l -> l.split("\\s+")[0]).toList())
                .as(history).containsExactly("2", "3");

            ok(kc, "create", "job", "once", "--image=busybox:1.35", "--", "true");
            assertThat(ok(kc, "get", "job", "once", "-o", "jsonpath={.spec.selector.matchLabels}").text()).contains("batch.kubernetes.io/controller-uid");
            assertThat(ok(kc, "get", "pods", "-l", "job-name=once", "-o", "name").text()).startsWith("pod/once-");

            ok(kc, "create", "cronjob", "tick", "--image=busybox:1.35", "--schedule=*/5 * * * *", "--", "true");
            assertThat(ok(kc, "get", "cronjob", "tick").text()).contains("*/5 * * * *").contains("False");
            Out bad = kubectl(kc, null, "create", "cronjob", "bad", "--image=busybox:1.35", "--schedule=61 * * * *");
            assertThat(bad.exit()).isNotZero();
            assertThat(bad.text()).contains("spec.schedule");
        }
    }
}
