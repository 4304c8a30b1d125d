package liveccu.collector.playback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import liveccu.collector.intake.BatchParse;
import liveccu.collector.intake.EventTime;
import liveccu.collector.intake.GeoIp;
import liveccu.collector.intake.Origin;
import liveccu.model.CountingRules;
import liveccu.model.PlayerEvent;
import liveccu.model.PlayerEventType;
import liveccu.model.RejectReason;

/**
 * The one definition of a valid batch of player events. Pure: the body's text and the request's
 * {@link Origin} in, the accepted {@link PlayerEvent}s and the rejected lines out; no HTTP or Kafka.
 *
 * <p>A body is a JSON array of event objects, or NDJSON (one object per line), told apart by its
 * first character. An element or line that is not a valid event is rejected with its reason and the
 * others are kept; a body that is not JSON at all, holds no event, or holds more than the limit is
 * refused whole.
 *
 * <p>Fields: {@code event} (required, one of {@link PlayerEventType}), {@code playback_id} (required,
 * 1-128 of {@code A-Z a-z 0-9 . _ : -}), {@code time} (required: Unix milliseconds, or seconds with an
 * optional fraction, or an ISO-8601 instant), {@code content_id}, {@code content_type} ({@code live},
 * {@code vod} or {@code dar}), {@code property} (absent → {@code Others}), {@code referrer_domain},
 * {@code device_id}, {@code category}, {@code distributor}, {@code producer}, {@code show}, {@code zone}
 * (text, at most 256 characters each), {@code seconds} (required for {@code playing}: 0-3600 seconds
 * played since the previous {@code playing}), {@code position} (seconds, optional), {@code bitrate_kbps}
 * ({@code playing} only, optional: the bitrate played, 0-1,000,000 kbps), and for {@code error}:
 * {@code error_code} (required: the player's own code, text or a whole number, 1-64 characters) and
 * {@code fatal} (required: {@code true} when the error ended playback, else {@code false}). Fields that
 * belong to another event type are dropped. Unknown fields are ignored.
 *
 * <p>Every event also carries what the collector knew of the request ({@link Origin}): the user agent,
 * the IP's keyed hash, and the IP's country and autonomous system when GeoIP databases are set.
 */
public final class PlayerEventParser {

    static final int MAX_TEXT = 256;
    static final int MAX_PLAYBACK_ID = 128;
    static final double MAX_SECONDS_PLAYED = 3600;
    static final double MAX_BITRATE_KBPS = 1_000_000;
    static final int MAX_ERROR_CODE = 64;
    private static final String EVENT_TYPES = Arrays.stream(PlayerEventType.values()).map(PlayerEventType::wireName)
            .collect(Collectors.joining(", "));
    private static final Set<String> CONTENT_TYPES = Set.of("live", "vod", "dar");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CountingRules rules;
    private final int maxEvents;

    public PlayerEventParser(CountingRules rules, int maxEvents) {
        this.rules = rules;
        this.maxEvents = maxEvents;
    }

    public BatchParse parse(String body, Origin origin) {
        String text = body.strip();
        List<BatchParse.Line> lines = new ArrayList<>();
        if (text.startsWith("[")) {
            JsonNode array;
            try {
                array = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                return new BatchParse.Refused(RejectReason.BAD_BODY, "the body is not a JSON array of events (or NDJSON)");
            }
            if (array.size() > maxEvents) {
                return tooMany(array.size());
            }
            array.forEach(node -> lines.add(event(node, origin)));
        } else {
            List<String> rows = text.lines().filter(line -> !line.isBlank()).toList();
            if (rows.size() > maxEvents) {
                return tooMany(rows.size());
            }
            for (String row : rows) {
                try {
                    lines.add(event(JSON.readTree(row), origin));
                } catch (JsonProcessingException e) {
                    lines.add(new BatchParse.Rejected(RejectReason.BAD_EVENT, "not a JSON object"));
                }
            }
        }
        if (lines.isEmpty()) {
            return new BatchParse.Refused(RejectReason.BAD_BODY, "the body holds no event");
        }
        return BatchParse.of(lines);
    }

    private BatchParse tooMany(int count) {
        return new BatchParse.Refused(RejectReason.TOO_MANY_EVENTS,
                count + " events in one batch: at most " + maxEvents + " allowed");
    }

    /** One event object, checked. */
    BatchParse.Line event(JsonNode node, Origin origin) {
        if (node == null || !node.isObject()) {
            return bad("not a JSON object");
        }
        Optional<PlayerEventType> type = PlayerEventType.fromWire(node.path("event").asText(""));
        if (type.isEmpty()) {
            return bad("event must be one of " + EVENT_TYPES);
        }
        String playbackId = node.path("playback_id").isTextual() ? node.get("playback_id").asText() : null;
        if (!isPlaybackId(playbackId)) {
            return bad("playback_id must be 1-128 of A-Z a-z 0-9 . _ : -");
        }
        long timeMs = timeMs(node.get("time"));
        if (timeMs < 0) {
            return bad("time must be Unix milliseconds, Unix seconds or an ISO-8601 instant");
        }
        String timeProblem = EventTime.problem(timeMs, origin.receivedAtMs(), rules);
        if (timeProblem != null) {
            return bad(timeProblem);
        }
        String[] names = {"content_id", "content_type", "property", "referrer_domain", "device_id", "category",
                "distributor", "producer", "show", "zone"};
        String[] values = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            JsonNode value = node.get(names[i]);
            if (value == null || value.isNull()) {
                continue;
            }
            if (!value.isValueNode() || value.asText().length() > MAX_TEXT) {
                return bad(names[i] + " must be text of at most " + MAX_TEXT + " characters");
            }
            values[i] = value.asText().isBlank() ? null : value.asText().strip();
        }
        String contentType = values[1] == null ? null : values[1].toLowerCase(Locale.ROOT);
        if (contentType != null && !CONTENT_TYPES.contains(contentType)) {
            return bad("content_type must be live, vod or dar");
        }
        Double seconds = number(node.get("seconds"));
        if (type.get() == PlayerEventType.PLAYING
                && (seconds == null || seconds < 0 || seconds > MAX_SECONDS_PLAYED)) {
            return bad("playing needs seconds: the seconds played since the previous playing, 0-3600");
        }
        if (type.get() != PlayerEventType.PLAYING) {
            seconds = null;
        }
        Double position = number(node.get("position"));
        if (position != null && position < 0) {
            return bad("position must be a number of seconds, at least 0");
        }
        if (position == null && node.hasNonNull("position")) {
            return bad("position must be a number of seconds, at least 0");
        }
        Double bitrate = null;
        if (type.get() == PlayerEventType.PLAYING && node.hasNonNull("bitrate_kbps")) {
            bitrate = number(node.get("bitrate_kbps"));
            if (bitrate == null || bitrate < 0 || bitrate > MAX_BITRATE_KBPS) {
                return bad("bitrate_kbps must be a number of kbps from 0 to " + (long) MAX_BITRATE_KBPS);
            }
        }
        String errorCode = null;
        Boolean fatal = null;
        if (type.get() == PlayerEventType.ERROR) {
            errorCode = errorCode(node.get("error_code"));
            if (errorCode == null) {
                return bad("error needs error_code: the player's error code, text or a whole number of 1-" + MAX_ERROR_CODE
                        + " characters");
            }
            JsonNode fatalNode = node.get("fatal");
            if (fatalNode == null || !fatalNode.isBoolean()) {
                return bad("error needs fatal: true when the error ended playback, else false");
            }
            fatal = fatalNode.booleanValue();
        }
        String property = values[2] == null ? PlayerEvent.OTHERS : values[2];
        GeoIp.Answer geo = origin.geo();
        return new BatchParse.Accepted(new PlayerEvent(PlayerEvent.SOURCE_PLAYER, type.get().wireName(),
                origin.accountId(), playbackId, timeMs, origin.receivedAtMs(), values[0], contentType, property,
                values[3], values[4], values[5], values[6], values[7], values[8], values[9], seconds, position,
                origin.userAgent(), origin.ipHash(), null, geo.country(), geo.asn(), geo.asOrg(), bitrate, errorCode,
                fatal), null);
    }

    /** Text (stripped) or a whole number, as text of 1-64 characters; null for anything else. */
    private static String errorCode(JsonNode node) {
        if (node == null || !(node.isTextual() || node.isIntegralNumber())) {
            return null;
        }
        String code = node.asText().strip();
        return code.isEmpty() || code.length() > MAX_ERROR_CODE ? null : code;
    }

    private static BatchParse.Rejected bad(String message) {
        return new BatchParse.Rejected(RejectReason.BAD_EVENT, message);
    }

    private static Double number(JsonNode node) {
        return node != null && node.isNumber() && Double.isFinite(node.asDouble()) ? node.asDouble() : null;
    }

    /** Epoch milliseconds, or -1. Numbers below 10^11 are seconds (as for beacons). */
    static long timeMs(JsonNode node) {
        if (node == null) {
            return -1;
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            long value = node.asLong();
            return value < 0 ? -1 : value < EventTime.SECONDS_BELOW ? value * 1000 : value;
        }
        if (node.isFloatingPointNumber()) {
            double value = node.asDouble();
            return !Double.isFinite(value) || value < 0 ? -1
                    : value < EventTime.SECONDS_BELOW ? Math.round(value * 1000) : (long) value;
        }
        if (node.isTextual()) {
            try {
                return Instant.parse(node.asText()).toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                return -1;
            }
        }
        return -1;
    }

    static boolean isPlaybackId(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_PLAYBACK_ID) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
