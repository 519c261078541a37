package dev.beluga.cli.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChunkedLinesTest {
    /** Two chunks: the first ends inside the second line, the second carries its rest and a third line; then the end. */
    private static final String BODY = chunk("{\"a\":1}\n{\"bench/seq\":\"7-", "") + chunk("123\"}\n{\"b\":\"x\"}\n", ";ext=1")
        + "0\r\n\r\n";

    private static String chunk(String data, String extension) {
        return Integer.toHexString(data.length()) + extension + "\r\n" + data + "\r\n";
    }

    private static List<String> decode(String body, int pieceSize, ChunkedLines.Result[] last) throws IOException {
        List<String> lines = new ArrayList<>();
        ChunkedLines decoder = new ChunkedLines((text, from, to) -> lines.add(text.substring(from, to)) || true);
        byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
        for (int off = 0; off < bytes.length; off += pieceSize) {
            last[0] = decoder.feed(bytes, off, Math.min(pieceSize, bytes.length - off));
            if (last[0] != ChunkedLines.Result.MORE) break;
        }
        return lines;
    }

    @Test
    void linesComeWholeWhateverThePiecesAndChunkBoundaries() throws IOException {
        for (int piece = 1; piece <= BODY.length(); piece++) {
            ChunkedLines.Result[] last = new ChunkedLines.Result[1];
            List<String> lines = decode(BODY, piece, last);
            assertEquals(List.of("{\"a\":1}", "{\"bench/seq\":\"7-123\"}", "{\"b\":\"x\"}"), lines, "piece size " + piece);
            assertEquals(ChunkedLines.Result.END, last[0], "piece size " + piece);
        }
    }

    @Test
    void theHandlerStopsTheDecoding() throws IOException {
        List<String> seen = new ArrayList<>();
        ChunkedLines decoder = new ChunkedLines((text, from, to) -> {
            seen.add(text.substring(from, to));
            return false;
        });
        byte[] bytes = BODY.getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(ChunkedLines.Result.STOPPED, decoder.feed(bytes, 0, bytes.length));
        assertEquals(List.of("{\"a\":1}"), seen);
    }

    @Test
    void aBadChunkSizeIsAnError() {
        ChunkedLines decoder = new ChunkedLines((text, from, to) -> true);
        byte[] bytes = "zz\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThrows(IOException.class, () -> decoder.feed(bytes, 0, bytes.length));
    }

    @Test
    void theTallyReadsSequenceAndSendTimeAndCountsOnlyAnnotatedLines() {
        WatchTally tally = new WatchTally(2);
        WatchTally.Watcher w = tally.watcher();
        String bookmark = "{\"type\":\"BOOKMARK\",\"object\":{}}";
        assertEquals(0, w.line(bookmark, 0, bookmark.length()));
        long sent = System.nanoTime();
        String e0 = "xx{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"annotations\":{\"bench/seq\":\"3-" + sent + "\"}}}}yy";
        assertEquals(1, w.line(e0, 2, e0.length() - 2));
        String e1 = "{\"metadata\":{\"annotations\":{\"bench/seq\":\"1-" + sent + "\"}}}";
        assertEquals(2, w.line(e1, 0, e1.length())); // seq 1 after seq 3: the same pod (1 % 2 == 3 % 2), out of order
        tally.add(w);
        assertEquals(2, tally.received());
        assertEquals(1, tally.outOfOrder());
        assertEquals((e0.length() - 4 + e1.length()) / 2, tally.averageEventBytes()); // the bookmark is not counted
    }
}
