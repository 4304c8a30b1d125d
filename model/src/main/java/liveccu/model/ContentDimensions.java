package liveccu.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * What playback metrics are counted by: the content and the dimensions its player events name.
 * Absent values stay null, except the property, which is {@link PlayerEvent#OTHERS} when absent.
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
        String zone) {

    /** What a playback is counted under before any of its events named a content. */
    public static final ContentDimensions UNKNOWN =
            new ContentDimensions(null, null, PlayerEvent.OTHERS, null, null, null, null, null);

    public ContentDimensions {
        property = property == null || property.isBlank() ? PlayerEvent.OTHERS : property;
    }

    public static ContentDimensions of(PlayerEvent event) {
        return new ContentDimensions(event.contentId(), event.contentType(), event.property(), event.category(),
                event.distributor(), event.producer(), event.show(), event.zone());
    }
}
