package liveccu.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Playback metrics of one account's content (with its dimensions) for one UTC hour, as defined by
 * {@link PlaybackRules}: the record of {@link Topics#PLAYBACK_COUNTS}, keyed by {@link #key()}, the
 * newest record of a key holding the hour's totals. Inside the aggregator the same shape carries a
 * change to those totals.
 *
 * @param hourStartMs start of the UTC hour, epoch milliseconds
 * @param starts      playbacks started in the hour (once per playback per 24 h)
 * @param streams     of those starts, the ones followed by enough playing
 * @param playedMs    playing time in the hour, milliseconds
 * @param downloads   downloads in the hour (once per playback per 24 h)
 * @param iabDownloads IAB Tech Lab podcast-measurement downloads in the hour (audio from CDN logs:
 *                    {@link AudioRules}); player events never have any; 0 in records written before it existed
 * @param devices     distinct devices of the hour's starts and downloads, exact ({@link PlaybackRules#device})
 * @param devicesSketch the same devices as a mergeable sketch ({@link DeviceSketches}), null for none: what
 *                    a day (or several contents) is estimated from
 * @param device      inside the aggregator only, on a change: the device whose starts and downloads it
 *                    changes; null on the results topic
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlaybackCount(
        String accountId,
        ContentDimensions content,
        long hourStartMs,
        long starts,
        long streams,
        long playedMs,
        long downloads,
        long iabDownloads,
        long devices,
        String devicesSketch,
        String device) {

    public static final long HOUR_MS = 3_600_000;

    /** Counts without devices. */
    public PlaybackCount(String accountId, ContentDimensions content, long hourStartMs, long starts, long streams,
                         long playedMs, long downloads) {
        this(accountId, content, hourStartMs, starts, streams, playedMs, downloads, 0, 0, null, null);
    }

    public static long hourStart(long epochMs) {
        return Math.floorDiv(epochMs, HOUR_MS) * HOUR_MS;
    }

    /**
     * {@code account|hourStartMs|content_id|content_type|property|category|distributor|producer|show|zone|device_class|source},
     * each value URL-encoded (so never a {@code |}), an absent one as {@code ~}: one key per account,
     * content, dimensions and hour, readable with the console consumer. Without a device class and a
     * source the key ends at the zone, as every key did before those were dimensions: the counts a
     * playback sent then stay under that key until they move (see {@code PlaybackLedger}).
     */
    public String key() {
        return KeyParts.encode(accountId) + "|" + hourStartMs + "|" + contentKey(content);
    }

    /** The key without the account and hour: what one content with its dimensions is, as text. */
    public static String contentKey(ContentDimensions content) {
        return content.deviceClass() == null && content.source() == null
                ? KeyParts.join(content.contentId(), content.contentType(), content.property(), content.category(),
                        content.distributor(), content.producer(), content.show(), content.zone())
                : KeyParts.join(content.contentId(), content.contentType(), content.property(), content.category(),
                        content.distributor(), content.producer(), content.show(), content.zone(), content.deviceClass(),
                        content.source());
    }

    public boolean isZero() {
        return starts == 0 && streams == 0 && playedMs == 0 && downloads == 0 && iabDownloads == 0;
    }

    /** These totals with a change's starts, streams, time, downloads and IAB downloads added (devices are the summer's). */
    public PlaybackCount plus(PlaybackCount change) {
        return new PlaybackCount(accountId, content, hourStartMs, starts + change.starts, streams + change.streams,
                playedMs + change.playedMs, downloads + change.downloads, iabDownloads + change.iabDownloads, devices,
                devicesSketch, null);
    }

    public PlaybackCount withDevices(long count, String sketch) {
        return new PlaybackCount(accountId, content, hourStartMs, starts, streams, playedMs, downloads, iabDownloads, count, sketch,
                device);
    }
}
