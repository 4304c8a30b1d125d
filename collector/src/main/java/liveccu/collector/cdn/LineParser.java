package liveccu.collector.cdn;

/** Reads the lines of one batch in one format. Pure: text in, an {@link AccessLine} or why not out. */
interface LineParser {

    /** What one line gives. */
    sealed interface Result permits Parsed, Bad, Directive {
    }

    record Parsed(AccessLine line) implements Result {
    }

    /** Not a request of this format; the message never quotes the line (it may hold a client IP). */
    record Bad(String message) implements Result {
    }

    /** A line about the log rather than a request (CloudFront's {@code #Version:}, {@code #Fields:}): no index, nothing counted. */
    record Directive() implements Result {
    }

    Result parse(String line);
}
