package dev.beluga.proxy.userspace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Service addresses as /32 addresses on a device of the node (the loopback device by default: the kernels Beluga runs
 * on need not have the dummy driver), added and removed with iproute2's {@code ip addr}.
 *
 * <p>Every address it adds carries the label {@code <device>:beluga-svc}, so that {@link #ownedAddresses()} finds
 * the addresses an agent left behind when it ended without cleaning up, and the next agent adopts or removes them.
 *
 * <p>{@code commandPrefix} runs every command elsewhere, e.g. {@code ip netns exec NAME} for another network
 * namespace (tests); empty for the agent's own namespace.
 */
public final class IpAddressManager implements AddressManager {
    private static final long COMMAND_TIMEOUT_SECONDS = 10;

    private final List<String> commandPrefix;
    private final String device;
    private final String label;

    /** Addresses on {@code lo} of this process's network namespace. */
    public IpAddressManager() {
        this(List.of(), "lo");
    }

    public IpAddressManager(List<String> commandPrefix, String device) {
        this.commandPrefix = List.copyOf(commandPrefix);
        this.device = device;
        this.label = device + ":beluga-svc";
        if (label.length() > 15) throw new IllegalArgumentException("device name too long for an address label: " + device);
    }

    /** The label on the addresses this manager adds. */
    public String label() {
        return label;
    }

    @Override
    public Set<String> localAddresses() throws IOException {
        return addressesIn(ip("-4", "-o", "addr", "show"));
    }

    @Override
    public Set<String> ownedAddresses() throws IOException {
        return addressesIn(ip("-4", "-o", "addr", "show", "dev", device, "label", label));
    }

    @Override
    public void add(String ip) throws IOException {
        Result r = run(ip("addr", "add", ip + "/32", "dev", device, "label", label));
        if (r.exit != 0 && !r.output.contains("already assigned") && !r.output.contains("File exists"))
            throw r.failure();
    }

    @Override
    public void remove(String ip) throws IOException {
        Result r = run(ip("addr", "del", ip + "/32", "dev", device));
        if (r.exit != 0 && !r.output.contains("not found") && !r.output.contains("Cannot assign"))
            throw r.failure();
    }

    private Set<String> addressesIn(List<String> command) throws IOException {
        Result r = run(command);
        if (r.exit != 0) throw r.failure();
        return parseAddresses(r.output);
    }

    /** The addresses in {@code ip -4 -o addr show} output: the word after "inet", without its prefix length. */
    static Set<String> parseAddresses(String output) {
        Set<String> out = new TreeSet<>();
        for (String line : output.split("\n")) {
            String[] words = line.trim().split("\\s+");
            for (int i = 0; i + 1 < words.length; i++) {
                if (!words[i].equals("inet")) continue;
                String a = words[i + 1];
                int slash = a.indexOf('/');
                out.add(slash < 0 ? a : a.substring(0, slash));
                break;
            }
        }
        return out;
    }

    private List<String> ip(String... args) {
        List<String> cmd = new ArrayList<>(commandPrefix);
        cmd.add("ip");
        cmd.addAll(List.of(args));
        return cmd;
    }

    private record Result(List<String> command, int exit, String output) {
        IOException failure() {
            return new IOException(String.join(" ", command) + " exited " + exit + ": " + output.strip());
        }
    }

    private static Result run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in " + COMMAND_TIMEOUT_SECONDS + " s");
            }
            return new Result(command, p.exitValue(), out);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + String.join(" ", command), e);
        }
    }
}
