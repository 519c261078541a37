package dev.beluga.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Decodes a chunked HTTP/1.1 response body pushed to it in pieces of any size (as TLS records arrive) and hands over
 * each newline-terminated line of the body — one watch event — as a range of a Latin-1 string (one string per piece
 * of chunk data: a byte-for-byte copy, no decoding). A line split across pieces or chunks is gathered first.
 *
 * <p>Why strings: the benchmark's watchers look at every byte the server sends them, and {@link String#indexOf} on a
 * Latin-1 string is a vectorized intrinsic of the JVM, several times faster than a byte loop — CPU the watchers do not
 * take from the server under test on a 2-core machine. Not thread-safe: one thread feeds a decoder.
 */
final class ChunkedLines {
    /** Receives each line: {@code text.substring(from, to)}, without its newline. */
    interface LineHandler {
        /** Returns false to stop: the rest of the piece is then ignored. */
        boolean line(String text, int from, int to);
    }

    /** What {@link #feed} found. */
    enum Result { MORE, STOPPED, END }

    private enum State { SIZE, SIZE_EXTENSION, DATA, DATA_END, DONE }

    private final LineHandler handler;
    private State state = State.SIZE;
    private int chunkLeft;
    private boolean sawDigit;
    /** The start of a line that spans pieces or chunks. */
    private final StringBuilder partial = new StringBuilder();

    ChunkedLines(LineHandler handler) {
        this.handler = handler;
    }

    /** Decodes {@code buf[off, off+len)}; END once the last (zero-size) chunk's size line was read. */
    Result feed(byte[] buf, int off, int len) throws IOException {
        int pos = off;
        int end = off + len;
        while (pos < end) {
            switch (state) {
                case SIZE -> {
                    byte c = buf[pos++];
                    int d = Character.digit(c, 16);
                    if (d >= 0) {
                        chunkLeft = chunkLeft * 16 + d;
                        sawDigit = true;
                    } else if (c == '\n') {
                        if (!sawDigit) throw new IOException("chunk size line without a size");
                        if (sizeLineEnded()) return Result.END;
                    } else if (c == ';') {
                        state = State.SIZE_EXTENSION;
                    } else if (c != '\r' && c != ' ') {
                        throw new IOException("bad chunk size byte " + c);
                    }
                }
                case SIZE_EXTENSION -> {
                    if (buf[pos++] == '\n' && sizeLineEnded()) return Result.END;
                }
                case DATA -> {
                    int n = Math.min(end - pos, chunkLeft);
                    String text = new String(buf, pos, n, StandardCharsets.ISO_8859_1);
                    pos += n;
                    chunkLeft -= n;
                    int from = 0;
                    while (from < n) {
                        int nl = text.indexOf('\n', from);
                        if (nl < 0) { // the line goes on in the next piece or chunk
                            partial.append(text, from, n);
                            break;
                        }
                        boolean more;
                        if (partial.isEmpty()) {
                            more = handler.line(text, from, nl);
                        } else {
                            String whole = partial.append(text, from, nl).toString();
                            partial.setLength(0);
                            more = handler.line(whole, 0, whole.length());
                        }
                        from = nl + 1;
                        if (!more) return Result.STOPPED;
                    }
                    if (chunkLeft == 0) state = State.DATA_END;
                }
                case DATA_END -> { // the CRLF after a chunk's data
                    byte c = buf[pos++];
                    if (c == '\n') {
                        state = State.SIZE;
                        chunkLeft = 0;
                        sawDigit = false;
                    } else if (c != '\r') {
                        throw new IOException("chunk data not followed by CRLF");
                    }
                }
                case DONE -> {
                    return Result.END;
                }
            }
        }
        return state == State.DONE ? Result.END : Result.MORE;
    }

    /** A chunk's size line has ended: its data follows, or it was the last chunk (true). */
    private boolean sizeLineEnded() {
        state = chunkLeft == 0 ? State.DONE : State.DATA;
        return state == State.DONE;
    }
}
