package dev.beluga.agent.images;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * What an image needs to know about a Linux executable before putting it alone into a root filesystem: its CPU
 * architecture (in OCI terms) and whether it needs a dynamic loader. Reads only the ELF header and program headers
 * (64-bit little-endian ELF; anything else is rejected). Immutable.
 *
 * @param architecture the OCI architecture name ({@code amd64}, {@code arm64})
 * @param dynamic      whether the program has a {@code PT_INTERP} header, i.e. needs {@code ld.so} and shared
 *                     libraries that a one-file root filesystem does not have
 */
record ElfExecutable(String architecture, boolean dynamic) {
    private static final int PT_INTERP = 3;
    private static final Map<Integer, String> ARCHITECTURES = Map.of(62, "amd64", 183, "arm64");

    /**
     * Inspects {@code content}.
     *
     * @param what names the file in error messages
     * @throws IllegalArgumentException when it is not a 64-bit little-endian ELF executable of a known architecture
     */
    static ElfExecutable inspect(byte[] content, String what) {
        ByteBuffer b = ByteBuffer.wrap(content).order(ByteOrder.LITTLE_ENDIAN);
        if (content.length < 64 || b.getInt(0) != 0x464c457f /* \x7fELF */ || content[4] != 2 || content[5] != 1) {
            throw new IllegalArgumentException(what + " is not a 64-bit little-endian ELF file");
        }
        int machine = Short.toUnsignedInt(b.getShort(0x12));
        String architecture = ARCHITECTURES.get(machine);
        if (architecture == null) {
            throw new IllegalArgumentException(what + " is for ELF machine " + machine + ", not x86-64 or aarch64");
        }
        long phoff = b.getLong(0x20);
        int phentsize = Short.toUnsignedInt(b.getShort(0x36));
        int phnum = Short.toUnsignedInt(b.getShort(0x38));
        if (phentsize < 4 || phoff < 0 || phoff + (long) phentsize * phnum > content.length) {
            throw new IllegalArgumentException(what + " has a truncated or malformed ELF program header table");
        }
        boolean dynamic = false;
        for (int i = 0; i < phnum; i++) {
            if (b.getInt((int) (phoff + (long) i * phentsize)) == PT_INTERP) {
                dynamic = true;
            }
        }
        return new ElfExecutable(architecture, dynamic);
    }
}
