package liveccu.collector.viewers;

import java.time.Instant;
import java.util.Map;
import liveccu.model.RejectReason;
import liveccu.model.Viewer;
import liveccu.tokens.TokenCheck;
import liveccu.tokens.TokenProblem;
import liveccu.tokens.ViewerClaims;
import liveccu.tokens.ViewerTokens;

/**
 * Decides who is behind a beacon, per account mode:
 *
 * <ul>
 *   <li>a token whose signature verifies gives a trusted viewer (and must be for the beacon's account);</li>
 *   <li>a forged, unsigned or malformed token is refused in every mode: it is an attack or a bug;</li>
 *   <li>a genuine token outside its dates is ignored in open mode (as if absent) and refused in required mode;</li>
 *   <li>in open mode, tracking values given unsigned ({@code trackingId}, {@code customViewerData}
 *       parameters, or a token when no keys are registered) are kept, marked untrusted.</li>
 * </ul>
 */
public final class ViewerPolicy {

    static final int MAX_TRACKING_ID_CHARS = 128;
    static final int MAX_VIEWER_DATA_CHARS = 1024;

    private final ViewerTokens tokens;
    private final TokenMode defaultMode;
    private final Map<String, TokenMode> modeByAccount;

    public ViewerPolicy(ViewerTokens tokens, TokenMode defaultMode, Map<String, TokenMode> modeByAccount) {
        this.tokens = tokens;
        this.defaultMode = defaultMode;
        this.modeByAccount = Map.copyOf(modeByAccount);
    }

    public TokenMode modeOf(String accountId) {
        return modeByAccount.getOrDefault(accountId, defaultMode);
    }

    /**
     * @param token          the bearer token or {@code token} parameter, or null
     * @param unsignedTracking the {@code trackingId} parameter, or null
     * @param unsignedData     the {@code customViewerData} parameter, or null
     */
    public ViewerCheck check(String accountId, String token, String unsignedTracking, String unsignedData, Instant now) {
        boolean required = modeOf(accountId) == TokenMode.REQUIRED;
        if (token == null) {
            return required
                    ? new ViewerCheck.Refused(RejectReason.TOKEN_MISSING, "account " + accountId
                            + " requires a viewer token (Authorization: Bearer or ?token=)")
                    : unsigned(unsignedTracking, unsignedData);
        }
        boolean verifying = tokens.canVerify();
        TokenCheck check = verifying ? tokens.verify(token, now) : tokens.readUnverified(token, now);
        if (check instanceof TokenCheck.Refused refused) {
            if (refused.problem().isDates() && !required) {
                return unsigned(unsignedTracking, unsignedData);   // a stale token is ignored in open mode
            }
            return new ViewerCheck.Refused(reasonFor(refused.problem()), refused.message());
        }
        ViewerClaims claims = ((TokenCheck.Verified) check).claims();
        if (verifying && claims.accountId() != null && !claims.accountId().equals(accountId)) {
            return new ViewerCheck.Refused(RejectReason.TOKEN_WRONG_ACCOUNT,
                    "the viewer token is for another account than " + accountId);
        }
        return new ViewerCheck.Identified(new Viewer(claims.trackingId(), claims.customViewerData(), claims.userId(), verifying));
    }

    private static ViewerCheck unsigned(String trackingId, String viewerData) {
        if (trackingId == null && viewerData == null) {
            return new ViewerCheck.Identified(null);
        }
        if ((trackingId != null && trackingId.length() > MAX_TRACKING_ID_CHARS)
                || (viewerData != null && viewerData.length() > MAX_VIEWER_DATA_CHARS)) {
            return new ViewerCheck.Refused(RejectReason.BAD_VIEWER_DATA, "trackingId must be at most "
                    + MAX_TRACKING_ID_CHARS + " characters and customViewerData at most " + MAX_VIEWER_DATA_CHARS);
        }
        return new ViewerCheck.Identified(new Viewer(trackingId, viewerData, null, false));
    }

    private static RejectReason reasonFor(TokenProblem problem) {
        return switch (problem) {
            case TOO_LARGE, MALFORMED, BAD_CLAIMS -> RejectReason.TOKEN_MALFORMED;
            case UNSIGNED, ALGORITHM_NOT_ACCEPTED, BAD_SIGNATURE, MISSING_EXPIRY -> RejectReason.TOKEN_INVALID;
            case EXPIRED, NOT_YET_VALID -> RejectReason.TOKEN_EXPIRED;
        };
    }
}
