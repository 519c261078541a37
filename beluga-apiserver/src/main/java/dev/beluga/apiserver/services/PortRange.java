package dev.beluga.apiserver.services;

/** A node port range such as {@code 30000-32767} (both ends included). Immutable. */
public final class PortRange implements ValueRange {
    private final int base;
    private final int size;

    private PortRange(int base, int size) {
        this.base = base;
        this.size = size;
    }

    /**
     * Parses {@code FIRST-LAST} (or a single port).
     *
     * @throws IllegalArgumentException with a message for the user
     */
    public static PortRange parse(String s) {
        String[] parts = s.trim().split("-", -1);
        try {
            int first = Integer.parseInt(parts[0].trim());
            int last = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : first;
            if (parts.length > 2 || first < 1 || last > 65535 || last < first) throw new NumberFormatException();
            return new PortRange(first, last - first + 1);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid node port range " + s + ": expected FIRST-LAST within 1-65535");
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public String value(int offset) {
        if (offset < 0 || offset >= size) throw new IndexOutOfBoundsException(offset);
        return Integer.toString(base + offset);
    }

    @Override
    public int offsetOf(String value) {
        try {
            int off = Integer.parseInt(value) - base;
            return off >= 0 && off < size ? off : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** min(max(16, size/32), 128), none for ranges of 16 ports or fewer. */
    @Override
    public int staticBand() {
        return size <= 16 ? 0 : Math.min(Math.max(16, size / 32), 128);
    }

    @Override
    public String toString() {
        return base + "-" + (base + size - 1);
    }
}
