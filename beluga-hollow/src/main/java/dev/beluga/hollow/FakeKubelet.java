package dev.beluga.hollow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The kubelet's part for pods on hollow nodes, without containers (a fake, named as one): a pod bound to a node
 * whose name starts with the prefix is reported Running and Ready (conditions, container statuses, a pod IP from
 * 10.128.0.0/9 that nothing is ever sent to, start time), and a pod being deleted is finished at once (deleted with
 * grace period 0), as a kubelet does after its containers stop.
 *
 * <p>Threading: informer events arrive on fabric8's thread; the API writes run on virtual threads, at most 64 at
 * once, and at most one per pod at a time.
 */
public final class FakeKubelet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FakeKubelet.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final String nodePrefix;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore inFlight = new Semaphore(64);
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    private final AtomicInteger nextIp = new AtomicInteger();
    private SharedIndexInformer<Pod> informer;

    public FakeKubelet(KubernetesClient client, String nodePrefix) {
        this.client = client;
        this.nodePrefix = nodePrefix;
    }

    public void start() {
        // only pods bound to a node, as a kubelet watches (spec.nodeName=<node>): unscheduled pods are never decoded here
        informer = client.pods().inAnyNamespace().withoutField("spec.nodeName", "").inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                consider(pod);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod pod) {
                consider(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
            }
        }, 0);
    }

    private void consider(Pod pod) {
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (node == null || !node.startsWith(nodePrefix)) return;
        boolean deleting = pod.getMetadata().getDeletionTimestamp() != null;
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        boolean started = "Running".equals(phase) || "Succeeded".equals(phase) || "Failed".equals(phase);
        if (!deleting && started) return;
        String uid = pod.getMetadata().getUid();
        if (!busy.add(uid)) return;
        workers.execute(() -> {
            try {
                inFlight.acquire();
                try {
                    if (deleting) finish(pod);
                    else run(pod, node);
                } finally {
                    inFlight.release();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) log.debug("hollow kubelet: {} failed: {}", pod.getMetadata().getName(), e.toString());
            } finally {
                busy.remove(uid);
            }
        });
    }

    private void finish(Pod pod) {
        client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
            .withGracePeriod(0).delete();
    }

    private void run(Pod pod, String node) throws InterruptedException {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        int n = nextIp.incrementAndGet(); // .0 is the network address: start at .1
        String ip = "10." + (128 + ((n >> 16) & 0x7f)) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff);
        ObjectNode status = JSON.createObjectNode().put("phase", "Running").put("podIP", ip).put("startTime", now)
            .put("hostIP", node.isEmpty() ? null : HollowNodes.fakeAddress(index(node)));
        status.putArray("podIPs").addObject().put("ip", ip);
        ArrayNode conditions = status.putArray("conditions");
        for (String type : new String[] {"PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"})
            conditions.addObject().put("type", type).put("status", "True").put("lastTransitionTime", now);
        ArrayNode containers = status.putArray("containerStatuses");
        for (Container c : pod.getSpec().getContainers()) {
            ObjectNode cs = containers.addObject().put("name", c.getName()).put("image", c.getImage())
                .put("imageID", "hollow://" + c.getImage()).put("containerID", "hollow://" + pod.getMetadata().getUid() + "/" + c.getName())
                .put("ready", true).put("started", true).put("restartCount", 0);
            cs.putObject("state").putObject("running").put("startedAt", now);
        }
        ObjectNode patch = JSON.createObjectNode();
        patch.set("status", status);
        patchStatus(pod, patch.toString());
    }

    /**
     * PATCHes the pod's status subresource with a strategic merge patch through the client's HTTP client: fabric8's
     * typed {@code resource(pod).subresource("status").patch} clones the pod and decodes the answer into a new Pod,
     * which the fake kubelet never reads and which cost more CPU than the request itself at thousands of pods.
     */
    private void patchStatus(Pod pod, String body) throws InterruptedException {
        String url = client.getMasterUrl().toString().replaceAll("/+$", "") + "/api/v1/namespaces/" + pod.getMetadata().getNamespace()
            + "/pods/" + pod.getMetadata().getName() + "/status";
        HttpClient http = client.getHttpClient();
        HttpRequest request = http.newHttpRequestBuilder().uri(url).method("PATCH", "application/strategic-merge-patch+json", body).build();
        HttpResponse<byte[]> response;
        try {
            response = http.sendAsync(request, byte[].class).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new KubernetesClientException("status patch of " + pod.getMetadata().getName() + " failed: " + e.getMessage(), e);
        }
        if (response.code() >= 300)
            throw new KubernetesClientException("status patch of " + pod.getMetadata().getName() + " answered " + response.code(), response.code(), null);
    }

    private int index(String node) {
        try {
            return Integer.parseInt(node.substring(nodePrefix.length()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        if (informer != null) informer.stop();
        workers.shutdownNow();
    }
}
