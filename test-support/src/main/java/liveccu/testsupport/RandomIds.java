package liveccu.testsupport;

import java.util.concurrent.ThreadLocalRandom;

/** Ids as encoders and players make them: every test its own job and sessions, so tests never meet. */
public final class RandomIds {

    private RandomIds() {
    }

    /** 32 random lower-case hex digits: a guid, job id or session id. */
    public static String hex32() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return String.format("%016x%016x", random.nextLong(), random.nextLong());
    }
}
