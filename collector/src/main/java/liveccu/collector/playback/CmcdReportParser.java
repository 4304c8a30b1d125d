package liveccu.collector.playback;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import liveccu.collector.intake.BatchParse;
import liveccu.collector.intake.EventTime;
import liveccu.collector.intake.GeoIp;
import liveccu.collector.intake.Origin;
import liveccu.model.Beacon;
import liveccu.model.CountingRules;
import liveccu.model.Ids;
import liveccu.model.PlayerEvent;
import liveccu.model.RejectReason;
import liveccu.model.Side;
import org.greenbytes.http.sfv.BooleanItem;
import org.greenbytes.http.sfv.Dictionary;
import org.greenbytes.http.sfv.InnerList;
import org.greenbytes.http.sfv.Item;
import org.greenbytes.http.sfv.ListElement;
import org.greenbytes.http.sfv.NumberItem;
import org.greenbytes.http.sfv.ParseException;
import org.greenbytes.http.sfv.Parser;
import org.greenbytes.http.sfv.StringItem;
import org.greenbytes.http.sfv.TokenItem;

/**
 * The one definition of a valid CMCD v2 event-mode report (CTA-5004-B) as hls.js ≥ 1.7 and Shaka
 * Player ≥ 5.2 send it (both through the Common Media Library's reporter): a body of lines, each an
 * RFC 8941 structured-field dictionary such as {@code e=t,sid="…",cid="…",sta=p,ts=1700000000000,
 * bl=(5000),br=(3000),pt=45000,sf=h,st=v,sn=3,v=2}. Pure: text in, events (and heartbeats) out.
 *
 * <p>Each line is parsed by Julian Reschke's structured-fields library; a line that is not a
 * dictionary, or lacks {@code sid}, is rejected alone. {@code ts} (epoch ms) is the event time, the
 * receive time when absent. Keys this class does not read are ignored, so newer reports still pass.
 *
 * <p>A report whose state ({@code sta}) is playing, starting, rebuffering, seeking or waiting also
 * counts as its session's client-side heartbeat for the minute: a {@link Beacon} with
 * {@link Side#CS}, the job from the target's path and the session from {@code sid} — as is when it
 * is 32 hex digits or a dashed UUID, else the name-based UUID (RFC 4122 version 3) of
 * {@code "cmcd-sid:" + sid}, so one sid is always the same session. Its guid is the name-based UUID of
 * the line itself (a retried line is the same beacon). Paused, ended, quit, fatal error,
 * preloading and state-less reports are events only.
 *
 * <p>The quality-of-experience keys, typed as CTA-5004-B defines them: {@code msd} (media start delay, an
 * integer of milliseconds, at least 0), {@code ec} (error codes, an inner list of strings such as
 * {@code ec=("manifestLoadError")}; the <em>first</em> is kept, at most 64 characters; a bare string is
 * taken too), {@code bs} (buffer starvation, a boolean: {@code bs} alone is true). A report that gives one
 * of them a value of another type is rejected with the reason. Every report also carries the client IP's
 * country and autonomous system when GeoIP databases are set ({@link Origin}).
 */
public final class CmcdReportParser {

    /** Player states that mean someone is watching (or about to): they count as a heartbeat. */
    public static final Set<String> HEARTBEAT_STATES = Set.of("p", "s", "r", "k", "w");
    static final int MAX_SID = 128;
    static final int MAX_TEXT = 256;
    static final int MAX_ERROR_CODE = 64;
    private static final HexFormat HEX = HexFormat.of();

    private final CountingRules rules;
    private final int maxReports;

    public CmcdReportParser(CountingRules rules, int maxReports) {
        this.rules = rules;
        this.maxReports = maxReports;
    }

    /** @param jobId the job named by the target's path, normalised 32 hex */
    public BatchParse parse(String body, String jobId, Origin origin) {
        List<String> rows = body.lines().filter(line -> !line.isBlank()).toList();
        if (rows.isEmpty()) {
            return new BatchParse.Refused(RejectReason.BAD_BODY, "the body holds no CMCD report");
        }
        if (rows.size() > maxReports) {
            return new BatchParse.Refused(RejectReason.TOO_MANY_EVENTS,
                    rows.size() + " reports in one request: at most " + maxReports + " allowed");
        }
        List<BatchParse.Line> lines = new ArrayList<>(rows.size());
        for (String row : rows) {
            lines.add(report(row.strip(), jobId, origin));
        }
        return BatchParse.of(lines);
    }

    /** One report line, checked. */
    BatchParse.Line report(String line, String jobId, Origin origin) {
        Map<String, ListElement<?>> report;
        try {
            Dictionary dictionary = Parser.parseDictionary(line);
            report = dictionary.get();
        } catch (ParseException e) {
            return bad("not an RFC 8941 dictionary (" + e.getMessage() + ")");
        } catch (IllegalArgumentException e) {
            return bad("not an RFC 8941 dictionary");
        }
        String sid = text(report.get("sid"));
        if (sid == null || sid.isEmpty() || sid.length() > MAX_SID) {
            return bad("sid (the session id, a string of 1-" + MAX_SID + " characters) is required");
        }
        Long ts = integer(report.get("ts"));
        long eventTimeMs = ts == null ? origin.receivedAtMs() : ts;
        String timeProblem = EventTime.problem(eventTimeMs, origin.receivedAtMs(), rules);
        if (timeProblem != null) {
            return bad("ts: " + timeProblem);
        }
        String e = text(report.get("e"));
        String sta = text(report.get("sta"));
        String st = text(report.get("st"));
        String cid = text(report.get("cid"));
        if (cid != null && cid.length() > MAX_TEXT) {
            return bad("cid must be at most " + MAX_TEXT + " characters");
        }
        Long pt = integer(report.get("pt"));
        ListElement<?> msdValue = report.get("msd");
        Long msd = integer(msdValue);
        if (msdValue != null && (msd == null || msd < 0)) {
            return bad("msd (media start delay) must be a whole number of milliseconds, at least 0");
        }
        ListElement<?> ecValue = report.get("ec");
        String ec = ecValue == null ? "" : firstString(ecValue);
        if (ec == null || ec.length() > MAX_ERROR_CODE) {
            return bad("ec (error codes) must be a list of strings, the first of at most " + MAX_ERROR_CODE + " characters");
        }
        ec = ec.isEmpty() ? null : ec;
        ListElement<?> bsValue = report.get("bs");
        if (bsValue != null && !(bsValue instanceof BooleanItem)) {
            return bad("bs (buffer starvation) must be a boolean: bs alone, or bs=?0");
        }
        Boolean bs = bsValue == null ? null : ((BooleanItem) bsValue).get();
        String sessionId = sessionId(sid);
        boolean heartbeat = sta != null && HEARTBEAT_STATES.contains(sta);
        String contentType = "l".equals(st) ? "live" : "v".equals(st) ? "vod" : null;
        GeoIp.Answer geo = origin.geo();
        PlayerEvent event = new PlayerEvent(PlayerEvent.SOURCE_CMCD, PlayerEvent.SOURCE_CMCD, origin.accountId(), sid,
                eventTimeMs, origin.receivedAtMs(), cid, contentType, PlayerEvent.OTHERS, null, null, null, null, null,
                null, null, null, pt == null ? null : pt / 1000.0, origin.userAgent(), origin.ipHash(),
                new PlayerEvent.Cmcd(jobId, e, sta, heartbeat, sessionId, integer(report.get("sn")),
                        integer(report.get("br")), integer(report.get("bl")), text(report.get("sf")), st,
                        integer(report.get("v")), msd, ec, bs),
                geo.country(), geo.asn(), geo.asOrg(), null, null, null);
        Beacon beacon = heartbeat
                ? new Beacon(nameUuid("cmcd-report:" + origin.accountId() + "/" + jobId + "/" + line), jobId, sessionId,
                        origin.accountId(), Side.CS, eventTimeMs, origin.receivedAtMs())
                : null;
        return new BatchParse.Accepted(event, beacon);
    }

    /** The session id of a sid: itself when 32 hex or a dashed UUID, else a stable 32-hex name-based UUID. */
    public static String sessionId(String sid) {
        String normal = Ids.normaliseHex32(sid);
        return normal != null ? normal : nameUuid("cmcd-sid:" + sid);
    }

    private static String nameUuid(String name) {
        UUID uuid = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
        return HEX.toHexDigits(uuid.getMostSignificantBits()) + HEX.toHexDigits(uuid.getLeastSignificantBits());
    }

    private static BatchParse.Rejected bad(String message) {
        return new BatchParse.Rejected(RejectReason.BAD_CMCD_REPORT, message);
    }

    /** A string or token value; null for anything else. */
    private static String text(ListElement<?> value) {
        if (value instanceof StringItem string) {
            return string.get();
        }
        if (value instanceof TokenItem token) {
            return token.get();
        }
        return null;
    }

    /**
     * The first string of an inner list of strings (or a bare string or token), stripped; {@code ""} for an
     * empty list or a blank string; null for a value of another type.
     */
    private static String firstString(ListElement<?> value) {
        ListElement<?> first = value;
        if (value instanceof InnerList list) {
            if (list.get().isEmpty()) {
                return "";
            }
            first = list.get().get(0);
        }
        String text = text(first);
        return text == null ? null : text.strip();
    }

    /** An integer value, or the first of an inner list of them (v2 sends {@code br=(3000)}); null otherwise. */
    private static Long integer(ListElement<?> value) {
        if (value instanceof InnerList list && !list.get().isEmpty()) {
            Item<?> first = list.get().get(0);
            return first instanceof NumberItem<?> number ? number.getAsLong() / Math.max(1, number.getDivisor()) : null;
        }
        if (value instanceof NumberItem<?> number) {
            return number.getAsLong() / Math.max(1, number.getDivisor());
        }
        return null;
    }
}
