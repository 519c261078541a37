package dev.beluga.proxy;

import java.util.Set;

/**
 * A way of forwarding Service traffic on this node (nftables rules, or a userspace forwarder).
 *
 * <p>Threading: {@link #sync} and {@link #close} are called from one thread at a time (the {@link ProxyRunner}'s).
 * Contract: after {@code sync(state, changed, false)} returns, traffic for every Service follows {@code state} —
 * provided the previous sync succeeded and every Service that differs between the previous state and this one is in
 * {@code changed}; with {@code full = true} everything is programmed from scratch regardless of {@code changed}
 * (first sync, after a failure, periodically). A sync that throws may have changed nothing or everything it was
 * given; the runner follows it with a full sync.
 */
public interface Proxier extends AutoCloseable {

    void sync(ProxyState state, Set<ServiceKey> changed, boolean full) throws Exception;

    /** Removes everything this proxier installed on the node. Idempotent. */
    @Override
    void close();

    /**
     * Whether the forwarding outlives this process (kernel rules do; a forwarder's sockets do not). A runner that
     * stops closes a proxier whose forwarding would not survive anyway, so a restart in the same process finds its
     * ports free.
     */
    default boolean survivesProcessExit() {
        return true;
    }

    /** A short name for logs and metrics ("nftables", "userspace"). */
    String mode();
}
