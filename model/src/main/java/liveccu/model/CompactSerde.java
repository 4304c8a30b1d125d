package liveccu.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A record in a few bytes, for the records written once per log line: the aggregator's own state stores and
 * internal topics, and the CDN lines' intake ({@link CdnRequestSerde}). JSON (the results topics' format,
 * readable with the console consumer) spends most of a record's bytes and of its encoding time on field names,
 * and per-line records pay it at every hop.
 *
 * <p>A record is a format byte ({@value #FORMAT}) and then its fields in a fixed order. A value written as
 * JSON before (its first byte a <code>{</code> or a <code>[</code>) is still read, as JSON: a store or
 * topic written by an earlier version needs no migration.
 *
 * @param <T> the record
 */
public abstract class CompactSerde<T> implements Serde<T> {

    static final byte FORMAT = 1;

    private final JsonSerde<T> before;

    protected CompactSerde(Class<T> type) {
        this.before = new JsonSerde<>(type);
    }

    /** Writes the fields, in the order {@link #read} reads them. */
    protected abstract void write(T value, DataOutput out) throws IOException;

    protected abstract T read(DataInput in) throws IOException;

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            Bytes bytes = new Bytes(256);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(FORMAT);
                write(value, out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        Deserializer<T> json = before.deserializer();
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length > 0 && (bytes[0] == '{' || bytes[0] == '[')) {
                return json.deserialize(topic, bytes);
            }
            if (bytes.length == 0 || bytes[0] != FORMAT) {
                throw new SerializationException("unknown record format " + (bytes.length == 0 ? "(empty)" : bytes[0])
                        + " in " + topic);
            }
            try (DataInputStream in = new DataInputStream(new BytesIn(bytes, 1, bytes.length - 1))) {
                return read(in);
            } catch (IOException e) {
                throw new SerializationException("cannot read a record of " + topic, e);
            }
        };
    }

    /**
     * A {@link ByteArrayOutputStream} without its locks: the data streams write a field in one to four calls, each
     * an uncontended lock otherwise (no biased locking since JDK 15), which made a record of many small fields
     * slower to write than its JSON. Used by one thread only.
     */
    private static final class Bytes extends ByteArrayOutputStream {

        Bytes(int size) {
            super(size);
        }

        @Override
        public void write(int b) {
            if (count == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (count + len > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + len));
            }
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        @Override
        public byte[] toByteArray() {
            return Arrays.copyOf(buf, count);
        }
    }

    /** A {@link ByteArrayInputStream} without its locks, as {@link Bytes}. */
    private static final class BytesIn extends ByteArrayInputStream {

        BytesIn(byte[] bytes, int offset, int length) {
            super(bytes, offset, length);
        }

        @Override
        public int read() {
            return pos < count ? buf[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (pos >= count) {
                return -1;
            }
            int n = Math.min(len, count - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    /**
     * A string as {@link DataOutput#writeUTF} writes it (a length, then modified UTF-8), but an ASCII one (nearly
     * every string here: ids, paths, user agents) copied in one step rather than a character at a time: the same
     * bytes (a NUL aside, one byte rather than two, which {@code readUTF} reads alike).
     */
    public static void writeString(DataOutput out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            if (bytes.length == value.length() && bytes.length <= MAX_UTF_BYTES) {  // one byte a character: ASCII
                out.writeShort(bytes.length);
                out.write(bytes);
            } else {
                out.writeUTF(value);
            }
        }
    }

    /** Reads what {@link #writeString} (or {@code writeUTF}) wrote; ASCII, the common case, decoded in one step. */
    public static String readString(DataInput in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        int length = in.readUnsignedShort();
        byte[] bytes = new byte[length + 2];
        bytes[0] = (byte) (length >> 8);
        bytes[1] = (byte) length;
        in.readFully(bytes, 2, length);
        String ascii = new String(bytes, 2, length, StandardCharsets.UTF_8);
        // a character per byte and no byte UTF-8 refused (a replacement character, a check of no cost in a Latin-1 string)
        if (ascii.length() == length && ascii.indexOf('\uFFFD') < 0) {
            return ascii;
        }
        // another character: modified UTF-8 (a NUL in two bytes, a supplementary character as two surrogates)
        return new DataInputStream(new ByteArrayInputStream(bytes)).readUTF();
    }

    private static final int MAX_UTF_BYTES = 0xFFFF;

    public static void writeLong(DataOutput out, Long value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeLong(value);
        }
    }

    public static Long readLong(DataInput in) throws IOException {
        return in.readBoolean() ? in.readLong() : null;
    }
}
