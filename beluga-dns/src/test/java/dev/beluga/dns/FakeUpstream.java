package dev.beluga.dns;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A fake upstream resolver on loopback (UDP and TCP, same port) for the forwarding tests: answers with what
 * {@code answer} returns (null: stays silent), optionally truncating every UDP answer to nothing but the header and
 * question with TC set. Counts the queries per transport.
 */
final class FakeUpstream implements AutoCloseable {
    final AtomicInteger udpQueries = new AtomicInteger();
    final AtomicInteger tcpQueries = new AtomicInteger();
    volatile Function<Message, Message> answer;
    volatile boolean truncateUdp;
    private final DatagramSocket udp;
    private final ServerSocket tcp;

    FakeUpstream(Function<Message, Message> answer) throws IOException {
        this.answer = answer;
        udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        tcp = new ServerSocket();
        tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort()));
        Thread.ofVirtual().start(this::serveUdp);
        Thread.ofVirtual().start(this::serveTcp);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort());
    }

    /** A response to {@code q} with its ID and question, and the given flags. */
    static Message reply(Message q, int rcode) {
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.RA);
        r.getHeader().setRcode(rcode);
        r.addRecord(q.getQuestion(), Section.QUESTION);
        return r;
    }

    private void serveUdp() {
        byte[] buf = new byte[65535];
        while (!udp.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                udpQueries.incrementAndGet();
                Message q = new Message(Arrays.copyOf(buf, p.getLength()));
                Message r = answer.apply(q);
                if (r == null) continue;
                if (truncateUdp) {
                    Message t = reply(q, r.getRcode());
                    t.getHeader().setFlag(Flags.TC);
                    r = t;
                }
                byte[] w = r.toWire();
                udp.send(new DatagramPacket(w, w.length, p.getSocketAddress()));
            } catch (IOException e) {
                if (udp.isClosed()) return;
            }
        }
    }

    private void serveTcp() {
        while (!tcp.isClosed()) {
            try {
                Socket s = tcp.accept();
                Thread.ofVirtual().start(() -> {
                    try (s) {
                        DataInputStream in = new DataInputStream(s.getInputStream());
                        byte[] q = new byte[in.readUnsignedShort()];
                        in.readFully(q);
                        tcpQueries.incrementAndGet();
                        Message r = answer.apply(new Message(q));
                        if (r == null) return;
                        byte[] w = r.toWire();
                        DataOutputStream out = new DataOutputStream(s.getOutputStream());
                        out.writeShort(w.length);
                        out.write(w);
                        out.flush();
                    } catch (IOException ignored) {
                        // the client went away
                    }
                });
            } catch (IOException e) {
                if (tcp.isClosed()) return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        udp.close();
        tcp.close();
    }
}
