package dev.beluga.dns;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Sends one query to a server on loopback and returns the parsed response (tests only). */
final class DnsClient {
    private final InetSocketAddress server;

    DnsClient(InetSocketAddress server) {
        this.server = server;
    }

    static Message query(String name, int type) {
        try {
            return Message.newQuery(Record.newRecord(Name.fromString(name.endsWith(".") ? name : name + "."), type, DClass.IN));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Message withEdns(Message q, int payload) {
        q.addRecord(new OPTRecord(payload, 0, 0), Section.ADDITIONAL);
        return q;
    }

    Message udp(String name, int type) throws IOException {
        return udp(query(name, type));
    }

    Message udp(Message query) throws IOException {
        byte[] r = udpRaw(query.toWire());
        return r == null ? null : new Message(r);
    }

    /** The raw response bytes, or null after a 3 s timeout. */
    byte[] udpRaw(byte[] query) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(3000);
            s.send(new DatagramPacket(query, query.length, server));
            byte[] buf = new byte[65535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (java.net.SocketTimeoutException e) {
                return null;
            }
            return java.util.Arrays.copyOf(buf, p.getLength());
        }
    }

    Message tcp(String name, int type) throws IOException {
        return tcp(query(name, type));
    }

    Message tcp(Message... queries) throws IOException {
        Message last = null;
        try (Socket s = new Socket()) {
            s.connect(server, 3000);
            s.setSoTimeout(3000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            for (Message q : queries) {
                byte[] w = q.toWire();
                out.writeShort(w.length);
                out.write(w);
                out.flush();
                byte[] r = new byte[in.readUnsignedShort()];
                in.readFully(r);
                last = new Message(r);
                if (last.getHeader().getID() != q.getHeader().getID()) throw new IOException("wrong ID");
            }
        }
        return last;
    }
}
