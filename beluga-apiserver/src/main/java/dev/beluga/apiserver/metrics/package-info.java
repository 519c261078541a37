/**
 * The resource metrics API, {@code metrics.k8s.io/v1beta1} — what metrics-server adds to a Kubernetes cluster and
 * {@code kubectl top} reads — served by the API server itself: {@link dev.beluga.apiserver.metrics.MetricsScraper}
 * asks every Ready node's kubelet for {@code /metrics/resource} once per resolution (15 s), keeps the last two samples
 * of each node and container ({@link dev.beluga.apiserver.metrics.MetricsStorage}) and turns them into CPU rates and
 * memory working sets; {@link dev.beluga.apiserver.metrics.MetricsApi} answers {@code nodes} and {@code pods}.
 */
package dev.beluga.apiserver.metrics;
