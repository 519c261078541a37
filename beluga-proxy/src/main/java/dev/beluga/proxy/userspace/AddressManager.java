package dev.beluga.proxy.userspace;

import java.io.IOException;
import java.util.Set;

/**
 * Gives the node the Service addresses (cluster IPs, external IPs) that the userspace proxier listens on, so that the
 * kernel delivers packets sent to them to the proxier's sockets.
 *
 * <p>{@link IpAddressManager} does it with {@code ip addr} on the loopback device; tests use addresses of
 * 127.0.0.0/8, which every Linux network namespace already delivers locally.
 */
public interface AddressManager {

    /** The IPv4 addresses the node's network namespace has now, on any device. */
    Set<String> localAddresses() throws IOException;

    /**
     * The addresses among {@link #localAddresses()} that a userspace proxier added — this one, or an earlier process
     * that ended without removing them.
     */
    Set<String> ownedAddresses() throws IOException;

    /** Adds {@code ip} (IPv4, as a /32); adding an address that is already there succeeds. */
    void add(String ip) throws IOException;

    /** Removes an address {@link #add} added; removing one that is gone succeeds. */
    void remove(String ip) throws IOException;
}
