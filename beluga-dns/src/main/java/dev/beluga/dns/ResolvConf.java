package dev.beluga.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The {@code nameserver} lines of a resolv.conf file: the default upstreams. Stateless. */
public final class ResolvConf {
    private ResolvConf() {
    }

    /**
     * The name servers listed in {@code file} (port 53), without {@code self}: the server's own address, and when it binds
     * a wildcard address on port 53, every address of this machine (forwarding to ourselves would loop). An unreadable
     * file gives an empty list.
     */
    public static List<InetSocketAddress> nameservers(Path file, InetSocketAddress self) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
        List<InetSocketAddress> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 2 || !f[0].equals("nameserver")) continue;
            InetAddress a = AddressNames.parseLiteral(f[1].replaceFirst("%.*$", ""));
            if (a == null) continue;
            InetSocketAddress s = new InetSocketAddress(a, 53);
            if (!isSelf(s, self)) out.add(s);
        }
        return out;
    }

    private static boolean isSelf(InetSocketAddress candidate, InetSocketAddress self) {
        if (candidate.getPort() != self.getPort()) return false;
        if (candidate.getAddress().equals(self.getAddress())) return true;
        if (!self.getAddress().isAnyLocalAddress()) return false;
        try {
            return candidate.getAddress().isLoopbackAddress() || NetworkInterface.getByInetAddress(candidate.getAddress()) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
