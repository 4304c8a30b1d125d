package liveccu.api.ccu;

import java.time.Duration;
import java.util.Locale;
import liveccu.model.CountingRules;
import liveccu.ops.http.HttpFailure;

/**
 * What one row of {@code GET /ccu…} covers: a minute (the counts themselves, the default), or a UTC
 * hour or day summarised by its peak minutes ({@link Peaks}).
 */
public enum CcuInterval {
    MINUTE(CountingRules.MINUTE_MS),
    HOUR(Duration.ofHours(1).toMillis()),
    DAY(Duration.ofDays(1).toMillis());

    private final long lengthMs;

    CcuInterval(long lengthMs) {
        this.lengthMs = lengthMs;
    }

    /** The {@code interval} parameter; absent is {@link #MINUTE}. */
    public static CcuInterval parse(String text) {
        if (text == null) {
            return MINUTE;
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new HttpFailure(400, "interval must be minute, hour or day");
        }
    }

    /** Its name in answers: {@code hour}, {@code day}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The start of the interval holding this instant (UTC: epoch days start at midnight UTC). */
    public long start(long epochMs) {
        return Math.floorDiv(epochMs, lengthMs) * lengthMs;
    }

    /** The end of the interval ending at or after this instant: a range's exclusive end, widened to whole intervals. */
    public long endAtOrAfter(long epochMs) {
        return start(epochMs + lengthMs - 1);
    }
}
