package liveccu.ops.http;

/** A request that cannot be served, with the status and the reason the client gets. */
public final class HttpFailure extends RuntimeException {

    private final int status;

    public HttpFailure(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
