package dev.beluga.proxy.userspace;

import dev.beluga.proxy.Protocol;

/** Where a listener of the userspace proxier binds: a protocol, an IPv4 address (0.0.0.0 for node ports) and a port. */
record ListenKey(Protocol protocol, String ip, int port) {

    @Override
    public String toString() {
        return protocol.lower() + " " + ip + ":" + port;
    }
}
