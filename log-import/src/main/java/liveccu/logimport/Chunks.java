package liveccu.logimport;

import java.io.BufferedReader;
import java.io.IOException;

/**
 * Cuts a file's lines into chunks of a fixed number of lines: chunk {@code i} is lines {@code i×n} to
 * {@code (i+1)×n − 1}, so the same file cut with the same {@code n} gives the same chunks, and each its
 * batch id. A chunk that does not start with a W3C {@code #Fields:} line gets the file's latest one in front
 * (CloudFront logs name their columns once, at the top): the collector then reads every chunk on its own.
 */
final class Chunks {

    /** @param text the lines to send; {@code requests} of them are not {@code #} directives */
    record Chunk(int index, String text, int requests) {
    }

    private final BufferedReader reader;
    private final int linesPerChunk;
    private String fields;
    private int next;

    Chunks(BufferedReader reader, int linesPerChunk) {
        this.reader = reader;
        this.linesPerChunk = linesPerChunk;
    }

    /** The next chunk, or null at the end of the file. */
    Chunk next() throws IOException {
        StringBuilder text = new StringBuilder();
        int lines = 0;
        int requests = 0;
        String carried = fields;
        for (String line; lines < linesPerChunk && (line = reader.readLine()) != null; lines++) {
            if (line.regionMatches(true, 0, "#Fields:", 0, 8)) {
                fields = line;
                if (lines == 0) {
                    carried = null;  // the chunk names its own columns
                }
            } else if (!line.startsWith("#") && !line.isBlank()) {
                requests++;
            }
            text.append(line).append('\n');
        }
        if (lines == 0) {
            return null;
        }
        return new Chunk(next++, carried == null ? text.toString() : carried + "\n" + text, requests);
    }

    /** Whether a {@code #Fields:} line has been read so far. */
    boolean sawFields() {
        return fields != null;
    }
}
