package dev.beluga.store;

/** A running watch. Closing it is idempotent; after close no more events are delivered. */
public interface Watch extends AutoCloseable {
    @Override
    void close();
}
