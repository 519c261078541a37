package dev.beluga.cli.bench;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A few platform threads, each with a {@link Selector}, that read the benchmark's open {@link TlsWatchStream}s: a
 * thousand watchers cost two threads that wake once for many ready sockets, rather than a thousand threads each woken
 * per read.
 *
 * <p>Threading: {@link #add} from any thread; each stream is then read by one reader thread only, and its
 * {@link Ended} callback runs once, on that thread (or on the caller of {@link #close} for streams still open).
 */
final class WatchReaders implements Closeable {
    /** How a stream's reading ended. */
    enum End { COMPLETE, ENDED_BY_SERVER, FAILED, CLOSED }

    interface Ended {
        void ended(End how);
    }

    private record Registration(TlsWatchStream stream, Ended ended) {
    }

    private final List<Reader> readers = new ArrayList<>();
    private int next;
    private boolean closed;

    /** @param appBufferSize decrypted-data buffer per thread ({@link TlsWatchStream#applicationBufferSize}) */
    WatchReaders(int threads, int appBufferSize) throws IOException {
        for (int i = 0; i < threads; i++) readers.add(new Reader("bench-watch-reader-" + i, appBufferSize));
    }

    /**
     * Reads {@code stream} from now on (round robin over the threads); {@code ended} is told once how it ended — at once,
     * as {@link End#CLOSED}, when the readers are closed already.
     */
    synchronized void add(TlsWatchStream stream, Ended ended) {
        if (closed) {
            Reader.end(new Registration(stream, ended), End.CLOSED);
            return;
        }
        Reader r = readers.get(next++ % readers.size());
        r.pending.add(new Registration(stream, ended));
        r.selector.wakeup();
    }

    /** Stops the threads; streams still being read end as {@link End#CLOSED}. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (Reader r : readers) r.stop();
    }

    private static final class Reader implements Runnable {
        final Selector selector;
        final ConcurrentLinkedQueue<Registration> pending = new ConcurrentLinkedQueue<>();
        private final ByteBuffer app;
        private final Thread thread;
        private volatile boolean stopping;

        Reader(String name, int appBufferSize) throws IOException {
            selector = Selector.open();
            app = ByteBuffer.allocate(appBufferSize);
            thread = Thread.ofPlatform().name(name).daemon().start(this);
        }

        @Override
        public void run() {
            try {
                while (!stopping) {
                    selector.select(1000);
                    for (Registration reg; (reg = pending.poll()) != null; ) {
                        try {
                            reg.stream().channel().register(selector, SelectionKey.OP_READ, reg);
                        } catch (IOException e) {
                            end(reg, End.FAILED);
                        }
                    }
                    for (SelectionKey key : selector.selectedKeys()) {
                        Registration reg = (Registration) key.attachment();
                        try {
                            ChunkedLines.Result r = reg.stream().readAvailable(app);
                            if (r == ChunkedLines.Result.STOPPED) end(key, reg, End.COMPLETE);
                            else if (r == ChunkedLines.Result.END) end(key, reg, End.ENDED_BY_SERVER);
                        } catch (IOException e) {
                            end(key, reg, stopping ? End.CLOSED : End.FAILED);
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException | ClosedSelectorException e) {
                // stopping
            } finally {
                for (SelectionKey key : selector.keys()) {
                    if (key.attachment() instanceof Registration reg) end(key, reg, End.CLOSED);
                }
                for (Registration reg; (reg = pending.poll()) != null; ) end(reg, End.CLOSED);
                try {
                    selector.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }

        private static void end(SelectionKey key, Registration reg, End how) {
            key.cancel();
            key.attach(null);
            end(reg, how);
        }

        private static void end(Registration reg, End how) {
            try {
                reg.stream().close();
            } catch (IOException ignored) {
                // closing
            }
            reg.ended().ended(how);
        }

        void stop() {
            stopping = true;
            selector.wakeup();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
