package liveccu.logimport;

import java.io.BufferedReader;
import java.io.IOException;

/**
 * Cuts a file's lines into chunks of a fixed number of lines: chunk {@code i} is lines {@code i×n} to
 * {@code (i+1)×n − 1}, so the same file cut with the same {@code n} gives the same chunks (a resumed import
 * skips those acknowledged). A chunk that does not start with a W3C {@code #Fields:} line gets the file's
 * latest one in front (CloudFront logs name their columns once, at the top): the collector then reads every
 * chunk on its own.
 *
 * <p>Each chunk says the number of its first line in the file, counted as the collector numbers a batch's
 * lines: neither blank lines nor lines starting with {@code #} (a carried {@code #Fields:} line neither). A
 * line's identity, the file's fingerprint and its number, is thus the same however the file is cut.
 */
final class Chunks {

    /**
     * @param firstLine the number of the chunk's first numbered line in the file
     * @param text      the lines to send; {@code requests} of them are numbered (neither blank nor {@code #} lines)
     */
    record Chunk(int index, long firstLine, String text, int requests) {
    }

    private final BufferedReader reader;
    private final int linesPerChunk;
    private String fields;
    private int next;
    private long numbered;

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
            String stripped = line.strip();  // as the collector reads a line
            if (stripped.regionMatches(true, 0, "#Fields:", 0, 8)) {
                fields = line;
                if (lines == 0) {
                    carried = null;  // the chunk names its own columns
                }
            } else if (!stripped.startsWith("#") && !stripped.isEmpty()) {
                requests++;
            }
            text.append(line).append('\n');
        }
        if (lines == 0) {
            return null;
        }
        long firstLine = numbered;
        numbered += requests;
        return new Chunk(next++, firstLine, carried == null ? text.toString() : carried + "\n" + text, requests);
    }

    /** Whether a {@code #Fields:} line has been read so far. */
    boolean sawFields() {
        return fields != null;
    }
}
