package dev.beluga.store;

/** The revision asked for is older than the compaction point: its history is gone (the API turns this into 410). */
public final class CompactedException extends StoreException {
    private final long compactedRevision;

    public CompactedException(long requested, long compactedRevision) {
        super("required revision " + requested + " has been compacted (compacted revision " + compactedRevision + ")");
        this.compactedRevision = compactedRevision;
    }

    public long compactedRevision() {
        return compactedRevision;
    }
}
