package liveccu.aggregator.audio;

/**
 * A change to one UTC hour's audio totals of a content, made by one device's requests
 * ({@link AudioLedger}): what is added (or, when a late request moves a window, taken away).
 *
 * @param content      the content counted under, as the catalogue gave it
 * @param app          the property: the app the device's user agent is ({@link AudioApps})
 * @param device       {@link liveccu.model.PlaybackRules#device} of the user agent and IP hash
 * @param hourStartMs  start of the UTC hour, epoch ms
 * @param starts       start windows anchored in the hour
 * @param streams      of those, the ones that sent enough content
 * @param playedMs     content sent in the hour by start windows' requests, ms
 * @param downloads    download windows anchored in the hour
 * @param iabDownloads IAB downloads whose 24 h window starts in the hour
 */
record AudioChange(String accountId, AudioContent content, String app, String device, long hourStartMs,
                   long starts, long streams, long playedMs, long downloads, long iabDownloads) {
}
