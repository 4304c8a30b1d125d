package liveccu.collector.cdn;

import java.util.regex.Pattern;

/**
 * A batch's id, the first half of each of its lines' identity: the same batch sent again (a vendor's
 * retry, the importer resending a chunk) must get the same id. Always within its source, so two sources
 * can never collide: {@code <source>/<X-CCU-Log-Batch>} when the sender names its batch (the importer's
 * {@code <file SHA-256>}, the same for every chunk of a file), else
 * {@code <source>/sha256:<hex SHA-256 of the decompressed body>}.
 *
 * <p>The second half, the line's number, starts at {@code X-CCU-Log-First-Line} when a named batch says
 * where it starts (the importer: the number of the chunk's first line in the file), else at 0.
 */
public final class BatchIds {

    public static final String HEADER = "x-ccu-log-batch";
    public static final String FIRST_LINE_HEADER = "x-ccu-log-first-line";
    private static final Pattern GIVEN = Pattern.compile("[A-Za-z0-9._:-]{1,200}");
    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,10}");

    private BatchIds() {
    }

    /** Whether a sender's batch name can be used (null: none given, also fine). */
    public static boolean isValid(String given) {
        return given == null || GIVEN.matcher(given).matches();
    }

    /**
     * The number of the batch's first line: 0 when not given, -1 when it is not a whole number from 0 to
     * {@code max}.
     */
    public static int firstLine(String given, int max) {
        if (given == null) {
            return 0;
        }
        if (!NUMBER.matcher(given).matches()) {
            return -1;
        }
        long number = Long.parseLong(given);
        return number <= max ? (int) number : -1;
    }

    public static String of(String source, String given, String body) {
        if (given != null) {
            return source + "/" + given;
        }
        return source + "/sha256:" + Sha256.hex(body);
    }
}
