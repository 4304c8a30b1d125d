package liveccu.tokens;

/** The outcome of checking one token: verified claims, or the reason it was refused. */
public sealed interface TokenCheck permits TokenCheck.Verified, TokenCheck.Refused {

    record Verified(ViewerClaims claims) implements TokenCheck {
    }

    /** @param message short, safe to send back and to log: never contains the token */
    record Refused(TokenProblem problem, String message) implements TokenCheck {
    }
}
