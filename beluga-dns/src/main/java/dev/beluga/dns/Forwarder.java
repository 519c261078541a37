package dev.beluga.dns;

import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;

/**
 * Asks upstream resolvers one question: over UDP from a fresh socket (random source port, random ID), over TCP to the
 * same server when the UDP answer is truncated; a server that times out, fails or answers SERVFAIL/REFUSED is followed by
 * the next one. Replies whose ID or question do not match are ignored.
 *
 * <p>Threading: stateless between calls, any number of threads; every call blocks up to {@code timeout} per upstream, so
 * callers use virtual threads.
 */
final class Forwarder {
    private static final Logger log = LoggerFactory.getLogger(Forwarder.class);

    private final List<InetSocketAddress> upstreams;
    private final int timeoutMillis;

    Forwarder(List<InetSocketAddress> upstreams, Duration timeout) {
        this.upstreams = List.copyOf(upstreams);
        this.timeoutMillis = (int) Math.max(1, timeout.toMillis());
    }

    /** The first usable response to {@code question}, or null when no upstream gave one. */
    Message exchange(Record question, boolean checkingDisabled, boolean dnssecOk) {
        Message query = Message.newQuery(question);
        if (checkingDisabled) query.getHeader().setFlag(Flags.CD);
        query.addRecord(new OPTRecord(Replies.ADVERTISED_PAYLOAD, 0, 0, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
        byte[] wire = query.toWire();
        for (InetSocketAddress upstream : upstreams) {
            try {
                Message response = overUdp(upstream, query, wire);
                if (response != null && response.getHeader().getFlag(Flags.TC)) response = overTcp(upstream, query, wire);
                if (response == null) continue;
                int rcode = response.getRcode();
                if (rcode == Rcode.SERVFAIL || rcode == Rcode.REFUSED) continue;
                return response;
            } catch (IOException e) {
                log.debug("upstream {} failed for {}: {}", upstream, question.getName(), e.toString());
            }
        }
        return null;
    }

    private Message overUdp(InetSocketAddress upstream, Message query, byte[] wire) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(upstream);
            socket.send(new DatagramPacket(wire, wire.length));
            byte[] buf = new byte[65535];
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) return null;
                socket.setSoTimeout((int) left);
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    return null;
                }
                Message m = parseMatching(query, buf, p.getLength());
                if (m != null) return m;
            }
        }
    }

    private Message overTcp(InetSocketAddress upstream, Message query, byte[] wire) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(upstream, timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            byte[] framed = new byte[wire.length + 2];
            framed[0] = (byte) (wire.length >> 8);
            framed[1] = (byte) wire.length;
            System.arraycopy(wire, 0, framed, 2, wire.length);
            out.write(framed);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] buf = new byte[in.readUnsignedShort()];
            in.readFully(buf);
            return parseMatching(query, buf, buf.length);
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /** The response if it answers {@code query} (same ID, QR set, same question), else null. */
    private static Message parseMatching(Message query, byte[] buf, int len) {
        Message m;
        try {
            m = new Message(java.util.Arrays.copyOf(buf, len));
        } catch (IOException e) {
            return null;
        }
        if (m.getHeader().getID() != query.getHeader().getID() || !m.getHeader().getFlag(Flags.QR)) return null;
        Record q = m.getQuestion();
        Record asked = query.getQuestion();
        if (q == null || !q.getName().equals(asked.getName()) || q.getType() != asked.getType() || q.getDClass() != asked.getDClass()) {
            return null;
        }
        return m;
    }
}
