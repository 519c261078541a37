package dev.beluga.dns.bench;

import dev.beluga.store.bench.Latencies;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded UDP load generator for loopback: {@code senders} threads, each with its own socket and at most {@code window}
 * queries outstanding, send questions from a fixed list until {@code total} have been answered or lost, or the time bound
 * passes. Latency is measured from send to the matching answer (by ID). After 200 ms without any answer, a sender counts
 * its outstanding queries as lost and goes on.
 *
 * <p>Threading: {@link #run} blocks the caller until all senders are done.
 */
final class UdpLoadGenerator {
    /** What a run measured. */
    record Result(long answered, long lost, long wrongRcode, double seconds, Latencies latencies) {
        double perSecond() {
            return answered / seconds;
        }
    }

    private final InetSocketAddress server;
    private final List<BenchCluster.Question> questions;
    private final int senders;
    private final int window;

    UdpLoadGenerator(InetSocketAddress server, List<BenchCluster.Question> questions, int senders, int window) {
        this.server = server;
        this.questions = questions;
        this.senders = senders;
        this.window = window;
    }

    Result run(int total, long maxNanos) throws InterruptedException {
        AtomicInteger budget = new AtomicInteger(total);
        long deadline = System.nanoTime() + maxNanos;
        List<Sender> all = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < senders; i++) {
            Sender s = new Sender(i, budget, deadline);
            all.add(s);
            threads.add(Thread.ofPlatform().name("dns-load-" + i).start(s));
        }
        for (Thread t : threads) t.join();
        double seconds = (System.nanoTime() - start) / 1e9;
        Latencies latencies = new Latencies();
        long answered = 0;
        long lost = 0;
        long wrong = 0;
        for (Sender s : all) {
            latencies.addAll(s.latencies);
            answered += s.answered;
            lost += s.lost;
            wrong += s.wrong;
        }
        return new Result(answered, lost, wrong, seconds, latencies);
    }

    private final class Sender implements Runnable {
        final Latencies latencies = new Latencies();
        final AtomicInteger budget;
        final long deadline;
        final int offset;
        long answered;
        long lost;
        long wrong;

        Sender(int index, AtomicInteger budget, long deadline) {
            this.offset = index * 7919;
            this.budget = budget;
            this.deadline = deadline;
        }

        @Override
        public void run() {
            long[] sentAt = new long[65536];
            int[] asked = new int[65536];
            byte[] in = new byte[65535];
            DatagramPacket received = new DatagramPacket(in, in.length);
            try (DatagramSocket socket = new DatagramSocket()) {
                socket.connect(server);
                socket.setSoTimeout(200);
                int outstanding = 0;
                int nextId = 0;
                int next = offset;
                boolean more = true;
                while (outstanding > 0 || more) {
                    while (more && outstanding < window) {
                        if (System.nanoTime() - deadline > 0 || budget.getAndDecrement() <= 0) {
                            more = false;
                            break;
                        }
                        BenchCluster.Question q = questions.get(next++ % questions.size());
                        byte[] w = q.wire().clone();
                        int id = nextId++ & 0xffff;
                        w[0] = (byte) (id >> 8);
                        w[1] = (byte) id;
                        asked[id] = (next - 1) % questions.size();
                        sentAt[id] = System.nanoTime();
                        socket.send(new DatagramPacket(w, w.length));
                        outstanding++;
                    }
                    if (outstanding == 0) break;
                    try {
                        received.setLength(in.length);
                        socket.receive(received);
                    } catch (SocketTimeoutException e) {
                        lost += outstanding;
                        outstanding = 0;
                        java.util.Arrays.fill(sentAt, 0);
                        continue;
                    }
                    long now = System.nanoTime();
                    int id = ((in[0] & 0xff) << 8) | (in[1] & 0xff);
                    if (received.getLength() < 12 || sentAt[id] == 0) continue;
                    latencies.add(now - sentAt[id]);
                    sentAt[id] = 0;
                    outstanding--;
                    answered++;
                    if ((in[3] & 0xf) != questions.get(asked[id]).rcode()) wrong++;
                }
            } catch (IOException e) {
                throw new IllegalStateException("load generator socket failed", e);
            }
        }
    }
}
