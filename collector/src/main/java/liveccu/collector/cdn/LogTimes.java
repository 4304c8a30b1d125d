package liveccu.collector.cdn;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;
import liveccu.collector.intake.EventTime;

/** The time forms CDN logs use, read to epoch milliseconds; -1 when a value is none of them. */
final class LogTimes {

    /**
     * RFC 3339 / ISO 8601 with an offset: {@code 2026-11-30T10:15:00Z}, with a fraction of up to 9 digits,
     * {@code +01:00} or {@code +0100} (what Fastly's {@code %z} prints).
     */
    private static final DateTimeFormatter ISO = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral('T').appendPattern("HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter(Locale.ROOT);
    /** nginx's {@code $time_local} and Apache's {@code %t}: {@code 30/Nov/2026:10:15:00 +0100}. */
    private static final DateTimeFormatter COMMON_LOG = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

    /** A time as read, and what it read to. */
    private record Read(String text, long epochMs) {
    }

    /**
     * The last common-log time read: a log's lines come in time order, a busy second's thousands of lines with
     * the same time, and parsing it cost more than all the line's other fields. One for all threads: a
     * batch parsed meanwhile on another only makes the next line parse again.
     */
    private static volatile Read lastCommonLog = new Read("", -1);

    private LogTimes() {
    }

    /**
     * A JSON time: a number of Unix seconds, milliseconds, microseconds or nanoseconds (told apart by
     * magnitude, so Cloudflare's {@code unix}, {@code unixnano} and millisecond forms all work), the same as
     * text, or an RFC 3339 instant.
     */
    static long epochMs(JsonNode value) {
        if (value == null || value.isNull()) {
            return -1;
        }
        if (value.isNumber()) {
            return value.isIntegralNumber() ? byMagnitude(value.asLong()) : fractionalSeconds(value.decimalValue());
        }
        return value.isTextual() ? epochMs(value.asText()) : -1;
    }

    static long epochMs(String text) {
        String value = text.trim();
        if (!value.isEmpty() && value.length() <= 19 && LogValues.isDigits(value)) {
            return byMagnitude(Long.parseLong(value));
        }
        try {
            TemporalAccessor parsed = ISO.parse(value);
            if (!parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
                return -1;  // a local time without its offset is no instant
            }
            return OffsetDateTime.from(parsed).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return -1;
        }
    }

    /** A {@code [$time_local]} / {@code %t} time, without its brackets. */
    static long commonLog(String text) {
        Read last = lastCommonLog;
        if (last.text().equals(text)) {
            return last.epochMs();
        }
        long epochMs;
        try {
            epochMs = OffsetDateTime.parse(text, COMMON_LOG).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            epochMs = -1;
        }
        lastCommonLog = new Read(text, epochMs);
        return epochMs;
    }

    private static long byMagnitude(long number) {
        if (number < EventTime.SECONDS_BELOW) {
            return number * 1000;                 // seconds (until the year 5138)
        } else if (number < 100_000_000_000_000L) {
            return number;                        // milliseconds
        } else if (number < 100_000_000_000_000_000L) {
            return number / 1000;                 // microseconds
        }
        return number / 1_000_000;                // nanoseconds
    }

    private static long fractionalSeconds(BigDecimal seconds) {
        return seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(EventTime.SECONDS_BELOW)) >= 0 ? -1
                : seconds.movePointRight(3).longValue();
    }
}
