package liveccu.aggregator;

import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import liveccu.model.JsonSerde;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A record in a few bytes, for the aggregator's own state stores and internal topics, which only the
 * aggregator reads: JSON (the results topics' format, readable with the console consumer) spends most of
 * a record's bytes and of its encoding time on field names, and per-line records pay it at every hop.
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
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
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
            try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes, 1, bytes.length - 1))) {
                return read(in);
            } catch (IOException e) {
                throw new SerializationException("cannot read a record of " + topic, e);
            }
        };
    }

    public static void writeString(DataOutput out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    public static String readString(DataInput in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

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
