package dev.beluga.proxy.userspace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Fake Service backends on loopback addresses, which answer with their name so that tests see who served them. */
final class TestBackends {
    private TestBackends() {
    }

    /** Answers each line of each connection with "NAME LINE"; closes the connection at the client's end of stream. */
    static final class TcpBackend implements AutoCloseable {
        final String name;
        private final ServerSocket server;
        private final Set<Socket> open = ConcurrentHashMap.newKeySet();

        TcpBackend(String name, String ip) throws IOException {
            this.name = name;
            server = new ServerSocket();
            server.bind(new InetSocketAddress(ip, 0));
            Thread.ofVirtual().start(this::accept);
        }

        String ip() {
            return server.getInetAddress().getHostAddress();
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            try {
                while (true) {
                    Socket s = server.accept();
                    open.add(s);
                    Thread.ofVirtual().start(() -> serve(s));
                }
            } catch (IOException e) {
                // closed
            }
        }

        private void serve(Socket s) {
            try (s) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = s.getOutputStream();
                for (String line; (line = in.readLine()) != null; ) {
                    out.write((name + " " + line + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException e) {
                // the peer went away
            } finally {
                open.remove(s);
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : open) s.close();
        }
    }

    /** Answers each datagram with "NAME PAYLOAD". */
    static final class UdpBackend implements AutoCloseable {
        final String name;
        private final DatagramSocket socket;

        UdpBackend(String name, String ip) throws IOException {
            this.name = name;
            socket = new DatagramSocket(new InetSocketAddress(ip, 0));
            Thread.ofVirtual().start(this::serve);
        }

        String ip() {
            return socket.getLocalAddress().getHostAddress();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve() {
            byte[] buf = new byte[2048];
            try {
                while (true) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    byte[] reply = (name + " " + new String(buf, 0, p.getLength(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                    socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                }
            } catch (IOException e) {
                // closed
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
