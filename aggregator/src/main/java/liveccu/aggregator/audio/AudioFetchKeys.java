package liveccu.aggregator.audio;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import liveccu.aggregator.audio.AudioState.Fetch;
import org.apache.kafka.common.utils.Bytes;

/**
 * The keys of store {@code ccu-audio-fetches}: one entry per open fetch of a state, its key the state's key
 * then the fetch itself (the value is empty), so that a prefix scan of the state's key gives its fetches.
 *
 * <p>The state's key goes first with its length, so that no state's prefix is the start of another's. The
 * fetch follows field by field in {@link AudioLedger#ORDER} — numbers big-endian with the sign bit flipped, the
 * status negated (206 before 200), a null as a 0 byte before a 1 byte and the value — so that the scan gives
 * the fetches in that order (but for paths, compared as UTF-8 rather than as Java strings).
 */
final class AudioFetchKeys {

    private static final byte NULL = 0;
    private static final byte PRESENT = 1;

    private AudioFetchKeys() {
    }

    /** What every key of the state's fetches starts with. */
    static Bytes prefix(String stateKey) {
        byte[] key = stateKey.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Integer.BYTES + key.length).putInt(key.length).put(key).array());
    }

    static Bytes key(String stateKey, Fetch fetch) {
        byte[] key = stateKey.getBytes(StandardCharsets.UTF_8);
        byte[] path = fetch.path() == null ? null : fetch.path().getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(Integer.BYTES + key.length + Long.BYTES + Integer.BYTES + Long.BYTES
                + size(fetch.rangeStart()) + size(fetch.rangeEnd()) + 1 + (path == null ? 0 : path.length));
        buffer.putInt(key.length).put(key)
                .putLong(fetch.t() ^ Long.MIN_VALUE)
                .putInt(~fetch.status() ^ Integer.MIN_VALUE)
                .putLong(fetch.bytes() ^ Long.MIN_VALUE);
        putNullable(buffer, fetch.rangeStart());
        putNullable(buffer, fetch.rangeEnd());
        if (path == null) {
            buffer.put(NULL);
        } else {
            buffer.put(PRESENT).put(path);
        }
        return Bytes.wrap(buffer.array());
    }

    /** The fetch a key of {@link #key} holds. */
    static Fetch fetch(Bytes key) {
        ByteBuffer buffer = ByteBuffer.wrap(key.get());
        buffer.position(Integer.BYTES + buffer.getInt());
        long t = buffer.getLong() ^ Long.MIN_VALUE;
        int status = ~(buffer.getInt() ^ Integer.MIN_VALUE);
        long bytes = buffer.getLong() ^ Long.MIN_VALUE;
        Long rangeStart = getNullable(buffer);
        Long rangeEnd = getNullable(buffer);
        String path = buffer.get() == NULL ? null
                : new String(buffer.array(), buffer.position(), buffer.remaining(), StandardCharsets.UTF_8);
        return new Fetch(t, status, bytes, rangeStart, rangeEnd, path);
    }

    private static int size(Long value) {
        return value == null ? 1 : 1 + Long.BYTES;
    }

    private static void putNullable(ByteBuffer buffer, Long value) {
        if (value == null) {
            buffer.put(NULL);
        } else {
            buffer.put(PRESENT).putLong(value ^ Long.MIN_VALUE);
        }
    }

    private static Long getNullable(ByteBuffer buffer) {
        return buffer.get() == NULL ? null : buffer.getLong() ^ Long.MIN_VALUE;
    }
}
