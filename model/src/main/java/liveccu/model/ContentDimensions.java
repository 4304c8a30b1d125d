package liveccu.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * What playback metrics are counted by: the content and the dimensions its player events name, and
 * how its playback was watched and measured. Absent values stay null, except the property, which is
 * {@link PlayerEvent#OTHERS} when absent.
 *
 * @param deviceClass the playback's device class ({@link PlaybackRules#deviceClass}: Yauaa's, e.g. Desktop,
 *                    Phone, TV; {@code Unknown} when none); null for a content's own dimensions, and in
 *                    records written before it was a dimension
 * @param source      how the playback was measured ({@link PlaybackRules}: {@code player}, {@code cmcd}; audio
 *                    from CDN logs: {@link AudioRules#SOURCE});
 *                    null for a content's own dimensions, and in records written before it was a dimension
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ContentDimensions(
        String contentId,
        String contentType,
        String property,
        String category,
        String distributor,
        String producer,
        String show,
        String zone,
        String deviceClass,
        String source) {

    /** What a playback is counted under before any of its events named a content. */
    public static final ContentDimensions UNKNOWN =
            new ContentDimensions(null, null, PlayerEvent.OTHERS, null, null, null, null, null);

    public ContentDimensions {
        property = property == null || property.isBlank() ? PlayerEvent.OTHERS : property;
    }

    /** A content's own dimensions, as its player events name them (no device class nor source). */
    public ContentDimensions(String contentId, String contentType, String property, String category, String distributor,
                             String producer, String show, String zone) {
        this(contentId, contentType, property, category, distributor, producer, show, zone, null, null);
    }

    public static ContentDimensions of(PlayerEvent event) {
        return new ContentDimensions(event.contentId(), event.contentType(), event.property(), event.category(),
                event.distributor(), event.producer(), event.show(), event.zone());
    }

    /** These dimensions with another content type (a playback's: {@link PlaybackContent}). */
    public ContentDimensions withContentType(String type) {
        return new ContentDimensions(contentId, type, property, category, distributor, producer, show, zone, deviceClass,
                source);
    }

    /** These dimensions as one playback was watched and measured: on this device class, from this source. */
    public ContentDimensions measured(String deviceClass, String source) {
        return new ContentDimensions(contentId, contentType, property, category, distributor, producer, show, zone,
                deviceClass, source);
    }
}
