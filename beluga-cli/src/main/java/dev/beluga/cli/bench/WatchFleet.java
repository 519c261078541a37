package dev.beluga.cli.bench;

import javax.net.ssl.SSLContext;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmarks' watchers: N watch streams of one path, each its own TLS connection ({@link TlsWatchStream}), read by
 * two reader threads ({@link WatchReaders}) and tallied by a {@link WatchTally}. One watch per watcher for the whole
 * run: a stream that ends before every change arrived is counted, not resumed, so that the figures are those of the
 * streams as the server delivered them.
 *
 * <p>Threading: create and {@link #close} on one thread; the figures may be read from any thread once
 * {@link #awaitDone} returned or {@link #close} was called.
 */
final class WatchFleet implements Closeable {
    /** Threads that read all the watch streams (the machine has 2 cores). */
    private static final int READER_THREADS = 2;

    private final WatchTally tally;
    private final WatchReaders readers;
    private final CountDownLatch connected;
    private final CountDownLatch done;
    private final AtomicLong endedEarly = new AtomicLong();
    private final AtomicLong failedToConnect = new AtomicLong();
    private boolean closed;

    /**
     * Opens {@code watchers} watches of {@code path} (TLS handshakes on virtual threads, in parallel) and starts reading
     * them; returns once all have connected or failed to (at most 60 s). If this throws, the readers are stopped.
     *
     * @param pods  how many objects the changes cycle through (see {@link WatchTally})
     * @param total changes after which a watcher is complete and closes its stream
     */
    WatchFleet(SSLContext tls, InetSocketAddress address, String path, int watchers, int pods, long total)
        throws IOException, InterruptedException {
        this.tally = new WatchTally(pods);
        this.connected = new CountDownLatch(watchers);
        this.done = new CountDownLatch(watchers);
        int appBuffer = TlsWatchStream.applicationBufferSize(tls);
        this.readers = new WatchReaders(READER_THREADS, appBuffer);
        try {
            open(tls, address, path, watchers, total, appBuffer);
            connected.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException | RuntimeException | Error e) {
            readers.close();
            throw e;
        }
    }

    private void open(SSLContext tls, InetSocketAddress address, String path, int watchers, long total, int appBuffer) {
        for (int w = 0; w < watchers; w++) {
            Thread.ofVirtual().start(() -> {
                WatchTally.Watcher mine = tally.watcher();
                TlsWatchStream stream;
                try {
                    stream = TlsWatchStream.open(tls, address, path, (text, from, to) -> mine.line(text, from, to) < total,
                        ByteBuffer.allocate(appBuffer));
                } catch (IOException e) {
                    failedToConnect.incrementAndGet();
                    tally.add(mine);
                    connected.countDown();
                    done.countDown();
                    return;
                }
                readers.add(stream, how -> {
                    if (how == WatchReaders.End.ENDED_BY_SERVER || how == WatchReaders.End.FAILED) endedEarly.incrementAndGet();
                    tally.add(mine);
                    done.countDown();
                });
                connected.countDown();
            });
        }
    }

    /** Waits until every watcher is complete or ended; true if all were before {@code seconds} passed. */
    boolean awaitDone(long seconds) throws InterruptedException {
        return done.await(seconds, TimeUnit.SECONDS);
    }

    WatchTally tally() {
        return tally;
    }

    /** Streams that the server ended, or that broke, before their watcher had every change. */
    long endedEarly() {
        return endedEarly.get();
    }

    /** Watches that could not be opened (connection, handshake or answer). */
    long failedToConnect() {
        return failedToConnect.get();
    }

    /**
     * Stops reading: streams still open (changes lost) end as closed, and their watchers' figures are added (the first
     * call waits up to 10 s for that). Idempotent.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        readers.close();
        try {
            done.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
