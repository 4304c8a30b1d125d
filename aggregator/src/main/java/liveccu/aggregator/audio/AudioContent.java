package liveccu.aggregator.audio;

/**
 * What the operator's catalogue says of the content a request's path is.
 *
 * @param contentId   the content (a podcast episode, a radio stream…)
 * @param contentType {@code vod}, {@code live} or {@code dar}; anything else counts nothing
 * @param bitrateKbps its bitrate, for the content a number of bytes plays; 0 when unknown: no time, stream
 *                    nor IAB download can then be told
 * @param id3Bytes    the size of the file's ID3 tag, which the IAB count does not take for content; 0 when
 *                    the catalogue does not say
 */
record AudioContent(String contentId, String contentType, int bitrateKbps, long id3Bytes) {
}
