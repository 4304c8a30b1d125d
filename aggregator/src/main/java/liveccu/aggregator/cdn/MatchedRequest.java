package liveccu.aggregator.cdn;

import liveccu.model.CdnRequest;

/**
 * A log line's first delivery, counted (neither too late nor in the future), with the catalogue's
 * content for its path.
 *
 * @param request the line
 * @param content the first catalogue row matching its path; null for none
 */
public record MatchedRequest(CdnRequest request, ContentCatalogue.Entry content) {

    public String contentId() {
        return content == null ? null : content.contentId();
    }
}
