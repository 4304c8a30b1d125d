package liveccu.tokens;

/** Why a token was refused; the code goes to metrics and the rejected topic. */
public enum TokenProblem {
    TOO_LARGE("token-too-large", 400),
    MALFORMED("token-malformed", 400),
    /** {@code alg: none}: anyone can write one, so it proves nothing. */
    UNSIGNED("token-unsigned", 401),
    /** An algorithm we have no key for, e.g. HS256 when only public keys are registered. */
    ALGORITHM_NOT_ACCEPTED("token-algorithm-not-accepted", 401),
    BAD_SIGNATURE("token-bad-signature", 401),
    MISSING_EXPIRY("token-missing-exp", 401),
    BAD_CLAIMS("token-bad-claims", 400),
    EXPIRED("token-expired", 401),
    NOT_YET_VALID("token-not-yet-valid", 401);

    private final String code;
    private final int httpStatus;

    TokenProblem(String code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** A genuine token outside its validity dates: ignored in open mode rather than refused. */
    public boolean isDates() {
        return this == EXPIRED || this == NOT_YET_VALID;
    }
}
