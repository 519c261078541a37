package dev.beluga.agent.volumes;

import java.util.Arrays;

/** The content and permission bits (only the low nine, {@code rwxrwxrwx}, are applied) of one projected file. */
public record FileProjection(byte[] data, int mode) {
    public FileProjection {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FileProjection p && p.mode == mode && Arrays.equals(p.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(data) + mode;
    }

    @Override
    public String toString() {
        return "FileProjection[" + data.length + " bytes, mode " + Integer.toOctalString(mode) + "]";
    }
}
