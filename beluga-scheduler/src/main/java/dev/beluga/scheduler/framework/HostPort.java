package dev.beluga.scheduler.framework;

/**
 * A host port a container asks for: IP ({@code 0.0.0.0} when unset), protocol ({@code TCP} when unset) and port.
 */
public record HostPort(String ip, String protocol, int port) {
    public static final String BIND_ALL = "0.0.0.0";

    public HostPort {
        if (ip == null || ip.isEmpty()) ip = BIND_ALL;
        if (protocol == null || protocol.isEmpty()) protocol = "TCP";
    }
}
