package dev.beluga.dns;

/**
 * What a reverse lookup of an address names: the service itself (a cluster IP, {@code host} null), or one of its
 * endpoints ({@code <host>.<service>.<ns>.svc.<zone>}). Immutable.
 */
public record PtrTarget(ServiceRecords service, String host) {
}
