package dev.beluga.controllers.runtime;

/**
 * A level-triggered controller: it watches objects through shared informers, turns every change into keys on its
 * work queue ({@link #register}), and brings the cluster to the desired state for one key at a time
 * ({@link #reconcile}). Modelled on kube-controller-manager's controllers.
 *
 * <p>Contract: {@code reconcile} is idempotent and reads only informer caches (plus the API for writes), so it may be
 * called any number of times, after any restart; the manager never runs it for the same key on two workers at once.
 * A thrown exception requeues the key with rate-limited backoff; returning normally forgets its backoff. A
 * controller that wants to look again later calls {@link WorkQueue#addAfter} itself.
 */
public interface Controller {
    /** The controller's name, as upstream names it (e.g. {@code replicaset-controller}); used in logs and events. */
    String name();

    /** How many workers process keys concurrently (upstream's {@code --concurrent-*-syncs}). */
    default int workers() {
        return 2;
    }

    /** Registers informer event handlers that enqueue keys. Called once, before the informers start. */
    void register(ControllerContext ctx, WorkQueue<String> queue);

    /** Reconciles one key (usually {@code namespace/name}). */
    void reconcile(String key) throws Exception;
}
