package dev.beluga.controllers.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Clock;

/**
 * What every controller gets: the API client (for writes), the shared informers (for reads), the event recorder
 * and a clock (tests inject a fake one). Immutable; shared by all controllers of a manager.
 */
public record ControllerContext(KubernetesClient client, Informers informers, EventRecorder events, Clock clock) {
}
