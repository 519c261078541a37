package dev.beluga.proxy.userspace;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** IPv4 literals to addresses, without ever asking DNS (InetAddress.getByName would for anything else). */
final class Ipv4 {
    private Ipv4() {
    }

    static InetAddress parse(String ip) {
        String[] parts = ip.split("\\.", -1);
        if (parts.length != 4) throw new IllegalArgumentException("not an IPv4 address: " + ip);
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(p) > 255)
                throw new IllegalArgumentException("not an IPv4 address: " + ip);
            b[i] = (byte) Integer.parseInt(p);
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always a valid address
        }
    }

    static InetSocketAddress socket(String ip, int port) {
        return new InetSocketAddress(parse(ip), port);
    }
}
