package liveccu.model;

/**
 * One use of a key on a route that serves personal data (viewer reports), as the audit topic keeps
 * it: who (the key's id, never the key), what (route and query), which account, and the answer.
 *
 * @param atMs     when the answer was sent
 * @param keyId    the key's id; {@code operator} for CCU_API_KEY, {@code open} when no key is configured
 * @param route    the route's path, e.g. {@code /viewers}
 * @param query    the request's query string, as sent (ids and time ranges; keys never travel in it)
 * @param account  the account read, or null when the request named none
 * @param status   the HTTP status answered
 */
public record AuditEntry(long atMs, String keyId, String route, String query, String account, int status) {
}
