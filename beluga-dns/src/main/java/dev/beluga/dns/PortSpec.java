package dev.beluga.dns;

/**
 * A port that SRV records name: {@code _<name>._<protocol>}. Immutable.
 *
 * @param name     the port's name, lower case; empty for an unnamed port (which has no SRV record)
 * @param protocol {@code tcp}, {@code udp} or {@code sctp}
 * @param port     the number
 */
public record PortSpec(String name, String protocol, int port) {
    public boolean named() {
        return !name.isEmpty();
    }

    /** Whether a query's {@code _port._proto} labels (without the underscores) select this port. */
    public boolean matches(String portLabel, String protocolLabel) {
        return named() && name.equals(portLabel) && protocol.equals(protocolLabel);
    }
}
