package liveccu.api.ccu;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import liveccu.model.MinuteCount;

/**
 * Peak CCU per UTC hour or day, from the minutes: each interval's highest ssccu and highest csccu,
 * each with the minute it happened (the earliest, when several minutes reach it). Pure, for unit tests.
 */
public final class Peaks {

    /** No minute of the interval had any viewer on that side: no peak minute to name. */
    public static final long NO_MINUTE = -1;

    /**
     * @param audience       the audience key of the minutes it summarises
     * @param intervalStartMs start of the hour or day, epoch ms
     * @param ssccuAtMs      start of the minute of the ssccu peak, or {@link #NO_MINUTE} when it is 0
     * @param csccuAtMs      likewise for csccu
     */
    public record Peak(String audience, long intervalStartMs, long ssccu, long ssccuAtMs, long csccu, long csccuAtMs) {
    }

    private Peaks() {
    }

    /** One peak per interval that has minutes, in the order of the minutes' intervals (newest first for newest-first minutes). */
    public static List<Peak> of(List<MinuteCount> minutes, CcuInterval interval) {
        Map<String, Peak> peaks = new LinkedHashMap<>();  // by audience and interval: /ccu may merge two audiences' minutes
        for (MinuteCount minute : minutes) {
            long start = interval.start(minute.minuteStartMs());
            peaks.merge(minute.audience() + "/" + start, first(minute, start), (peak, next) -> higher(peak, minute));
        }
        return new ArrayList<>(peaks.values());
    }

    private static Peak first(MinuteCount minute, long intervalStartMs) {
        return new Peak(minute.audience(), intervalStartMs,
                minute.ssccu(), minute.ssccu() > 0 ? minute.minuteStartMs() : NO_MINUTE,
                minute.csccu(), minute.csccu() > 0 ? minute.minuteStartMs() : NO_MINUTE);
    }

    /** A higher count moves the peak; an equal one keeps the earlier minute, whatever order the minutes come in. */
    private static Peak higher(Peak peak, MinuteCount minute) {
        long at = minute.minuteStartMs();
        boolean ss = minute.ssccu() > 0 && (minute.ssccu() > peak.ssccu() || minute.ssccu() == peak.ssccu() && at < peak.ssccuAtMs());
        boolean cs = minute.csccu() > 0 && (minute.csccu() > peak.csccu() || minute.csccu() == peak.csccu() && at < peak.csccuAtMs());
        return new Peak(peak.audience(), peak.intervalStartMs(),
                ss ? minute.ssccu() : peak.ssccu(), ss ? at : peak.ssccuAtMs(),
                cs ? minute.csccu() : peak.csccu(), cs ? at : peak.csccuAtMs());
    }
}
