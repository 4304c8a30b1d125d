package liveccu.aggregator.cdn;

import java.nio.ByteBuffer;
import java.util.Arrays;
import liveccu.model.CdnRequest;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Which lines of one block of a batch ({@link #LINES} lines, stored under the block's Kafka key
 * {@link CdnRequest#partitionKey()}, {@code batch id # line / LINES}) were already taken, one bit each,
 * and the newest receive time of the block's deliveries.
 *
 * <p>Why blocks: the store's cache copies an entry on every read and write, i.e. on every line; a whole
 * batch's bit set (a Cloudflare push may hold 100,000 lines, 12.5 KB) would make a batch cost the
 * square of its lines. A block is at most 8 + 128 bytes, and only the words up to its highest line are
 * written (a batch of 50 lines: 16 bytes).
 *
 * @param lastSeenMs the newest {@code receivedAtMs} among the block's deliveries
 * @param words      the taken lines, bit {@code line % 64} of word {@code line % LINES / 64}
 */
record DeliveredLines(long lastSeenMs, long[] words) {

    static final int LINES = CdnRequest.BLOCK_LINES;

    static final Serde<DeliveredLines> SERDE = Serdes.serdeFrom(
            (topic, lines) -> lines == null ? null : lines.toBytes(),
            (topic, bytes) -> bytes == null ? null : fromBytes(bytes));

    static DeliveredLines none() {
        return new DeliveredLines(Long.MIN_VALUE, new long[0]);
    }

    boolean has(int line) {
        int bit = Math.floorMod(line, LINES);
        int word = bit >>> 6;
        return word < words.length && (words[word] & (1L << bit)) != 0;
    }

    /** These lines with one more taken, seen at {@code receivedAtMs}. */
    DeliveredLines with(int line, long receivedAtMs) {
        int bit = Math.floorMod(line, LINES);
        long[] taken = Arrays.copyOf(words, Math.max(words.length, (bit >>> 6) + 1));
        taken[bit >>> 6] |= 1L << bit;
        return new DeliveredLines(Math.max(lastSeenMs, receivedAtMs), taken);
    }

    /** Seen again (a redelivery keeps its batch remembered). */
    DeliveredLines seenAt(long receivedAtMs) {
        return new DeliveredLines(Math.max(lastSeenMs, receivedAtMs), words);
    }

    private byte[] toBytes() {
        ByteBuffer buffer = ByteBuffer.allocate(Long.BYTES * (1 + words.length)).putLong(lastSeenMs);
        for (long word : words) {
            buffer.putLong(word);
        }
        return buffer.array();
    }

    private static DeliveredLines fromBytes(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long lastSeen = buffer.getLong();
        long[] words = new long[buffer.remaining() / Long.BYTES];
        buffer.asLongBuffer().get(words);
        return new DeliveredLines(lastSeen, words);
    }
}
