package dev.beluga.agent.pods;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The last lines of a CRI log file as plain text (the message part of each {@code <time> <stream> <F|P> <text>}
 * entry; partial entries joined), reading at most a bounded window from the end of the file. Used for
 * FallbackToLogsOnError termination messages. Stateless; thread-safe.
 */
final class CriLogTail {
    private static final int WINDOW = 64 * 1024;

    private CriLogTail() {}

    static String lastLines(Path file, int maxLines, int maxBytes) {
        byte[] buf;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            int n = (int) Math.min(len, WINDOW);
            buf = new byte[n];
            f.seek(len - n);
            f.readFully(buf);
        } catch (IOException e) {
            return null;
        }
        Deque<String> lines = new ArrayDeque<>();
        StringBuilder partial = new StringBuilder();
        for (String entry : new String(buf, StandardCharsets.UTF_8).split("\n")) {
            String[] f = entry.split(" ", 4);
            if (f.length < 3) continue;
            String text = f.length == 4 ? f[3] : "";
            partial.append(text);
            if (f[2].equals("F")) {
                lines.addLast(partial.toString());
                partial.setLength(0);
                if (lines.size() > maxLines) lines.removeFirst();
            }
        }
        String out = String.join("\n", lines);
        if (!out.isEmpty()) out += "\n";
        byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= maxBytes ? out : new String(bytes, bytes.length - maxBytes, maxBytes, StandardCharsets.UTF_8);
    }
}
