package dev.beluga.store.embedded;

import dev.beluga.store.PreconditionFailedException;
import dev.beluga.store.WriteResult;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The child process of {@link EmbeddedStoreCrashTest}: opens the store and writes as fast as it can from several
 * threads until it is killed, printing one line per acknowledged write ({@code ACK kind key rev}; kind T marks a delete about to be
 * attempted). Values are derived
 * from the key so that the parent can check each stored value is whole.
 */
public final class CrashWriter {
    private CrashWriter() {
    }

    static String valueFor(String key, long n) {
        StringBuilder sb = new StringBuilder(key).append('#').append(n).append('|');
        while (sb.length() < 300) sb.append((char) ('a' + (sb.length() * 31 + key.hashCode()) % 26 + 0 * n));
        return sb.append("|end").toString();
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String cycle = args[1];
        int threads = Integer.parseInt(args[2]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, UTF_8);
        EmbeddedStore store = EmbeddedStore.open(dir);
        out.println("READY " + store.currentRevision());
        out.flush();
        AtomicBoolean stop = new AtomicBoolean();
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            ts[t] = new Thread(() -> {
                String counter = "/crash/counter/" + cycle + "/" + id;
                for (long i = 0; !stop.get(); i++) {
                    String key = "/crash/" + cycle + "/" + id + "/" + i;
                    WriteResult r = store.create(key.getBytes(UTF_8), valueFor(key, 0).getBytes(UTF_8));
                    ack(out, "C", key, r.revision());
                    WriteResult c = store.put(counter.getBytes(UTF_8), valueFor(counter, i).getBytes(UTF_8));
                    ack(out, "P" + i, counter, c.revision());
                    if (i % 5 == 4) {
                        String old = "/crash/" + cycle + "/" + id + "/" + (i - 2);
                        try {
                            ack(out, "T", old, 0); // attempted: may be applied even if the ack never comes
                            WriteResult d = store.delete(old.getBytes(UTF_8), 0);
                            ack(out, "D", old, d.revision());
                        } catch (PreconditionFailedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) t.join();
    }

    private static void ack(PrintStream out, String kind, String key, long rev) {
        synchronized (out) {
            out.println("ACK " + kind + " " + key + " " + rev);
            out.flush();
        }
    }
}
