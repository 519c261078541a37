package dev.beluga.dns;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;

/**
 * Serves one UDP socket: {@code workers} platform threads each receive a datagram, answer it from the response cache
 * inline when they can, and otherwise hand it to a virtual thread (the slow path may wait for upstreams). At most
 * {@value #MAX_PENDING} queries wait on the slow path; more are dropped (the client retries).
 *
 * <p>Threading: {@link #start} once, then {@link #close} from any thread; the socket is shared by the workers (the
 * channel serialises receives and sends).
 */
final class UdpListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UdpListener.class);
    static final int MAX_PENDING = 4096;

    private final DatagramChannel channel;
    private final QueryHandler handler;
    private final ExecutorService slowPath;
    private final DnsStats stats;
    private final Semaphore pending = new Semaphore(MAX_PENDING);
    private final List<Thread> workers = new ArrayList<>();

    UdpListener(DatagramChannel channel, QueryHandler handler, ExecutorService slowPath, DnsStats stats) {
        this.channel = channel;
        this.handler = handler;
        this.slowPath = slowPath;
        this.stats = stats;
    }

    void start(int threads) {
        for (int i = 0; i < threads; i++) {
            workers.add(Thread.ofPlatform().daemon().name("dns-udp-" + i).start(this::serve));
        }
    }

    private void serve() {
        byte[] in = new byte[65535];
        byte[] out = new byte[65535];
        ByteBuffer inBuf = ByteBuffer.wrap(in);
        ByteBuffer outBuf = ByteBuffer.wrap(out);
        WireQuery scratch = new WireQuery();
        while (channel.isOpen()) {
            try {
                inBuf.clear();
                SocketAddress from = channel.receive(inBuf);
                if (from == null) continue;
                int len = inBuf.position();
                int n = handler.answerCached(in, len, false, scratch, out);
                if (n >= 0) {
                    outBuf.clear().limit(n);
                    channel.send(outBuf, from);
                } else {
                    slow(Arrays.copyOf(in, len), from);
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!channel.isOpen()) return;
                log.debug("UDP query failed: {}", e.toString());
            }
        }
    }

    private void slow(byte[] query, SocketAddress from) {
        if (!pending.tryAcquire()) {
            stats.dropped.increment();
            return;
        }
        try {
            slowPath.execute(() -> {
                try {
                    byte[] response = handler.answer(query, query.length, false);
                    if (response != null) channel.send(ByteBuffer.wrap(response), from);
                } catch (IOException e) {
                    log.debug("UDP reply to {} failed: {}", from, e.toString());
                } finally {
                    pending.release();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pending.release(); // closing
        }
    }

    /** Closes the socket (which ends the blocked receives) and waits for the workers. */
    @Override
    public void close() throws IOException {
        channel.close();
        for (Thread t : workers) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
