package liveccu.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * What QoE metrics are broken down by (docs/qoe.md, "Records"). An hour ({@link QoeCount#HOUR_MS}) has them
 * all; a minute only the content and stream type ({@link #minute}), so that a live event's minute is one record
 * whatever its audience. Absent values stay null (the property is {@link PlayerEvent#OTHERS} when absent, as
 * for playback metrics).
 *
 * @param contentId   the view's content
 * @param streamType  {@code live}, {@code vod} or {@code dar}: the content type its events name (CMCD: {@code st})
 * @param property    which player or app
 * @param deviceClass Yauaa's device class of the view's user agent ({@code Unknown} without one)
 * @param os          Yauaa's operating system name ({@code Windows}, {@code iOS}, {@code Android}…), no version
 * @param browser     Yauaa's agent name ({@code Chrome}, {@code Safari}, {@code Firefox}…), no version
 * @param country     ISO 3166-1 alpha-2, from the collector's GeoIP lookup
 * @param asn         the autonomous system number of the viewer's network
 * @param asOrg       that network's organisation
 * @param errorCode   a failed view's error code (its latest error that named one); null for every other view
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QoeDimensions(
        String contentId,
        String streamType,
        String property,
        String deviceClass,
        String os,
        String browser,
        String country,
        Long asn,
        String asOrg,
        String errorCode) {

    public QoeDimensions {
        property = property == null || property.isBlank() ? PlayerEvent.OTHERS : property;
    }

    /** What a minute keeps of these: the content and its stream type (the property is left {@code Others}). */
    public QoeDimensions minute() {
        return new QoeDimensions(contentId, streamType, null, null, null, null, null, null, null, null);
    }

    /** These dimensions with a failed view's error code. */
    public QoeDimensions withErrorCode(String code) {
        return new QoeDimensions(contentId, streamType, property, deviceClass, os, browser, country, asn, asOrg, code);
    }

    /**
     * {@code content_id|stream_type|property|device_class|os|browser|country|asn|as_org|error_code}, each URL-encoded,
     * absent as {@code ~} ({@link KeyParts}).
     */
    public String key() {
        return KeyParts.join(contentId, streamType, property, deviceClass, os, browser, country,
                asn == null ? null : asn.toString(), asOrg, errorCode);
    }
}
