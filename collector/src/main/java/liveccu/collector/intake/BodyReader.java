package liveccu.collector.intake;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import liveccu.model.RejectReason;

/**
 * Turns a request body into text: as sent, or gunzipped ({@code Content-Encoding: gzip}) with a
 * limit on the decompressed size, so a small gzip bomb is refused after reading just past the limit.
 * Pure: bytes and the header in, text or a refusal out.
 */
public final class BodyReader {

    /** The body as text, or why not. */
    public sealed interface Result permits Text, Refused {
    }

    public record Text(String text) implements Result {
    }

    public record Refused(RejectReason reason, String message) implements Result {
    }

    private final int maxInflatedBytes;

    /** @param maxInflatedBytes the most a body may weigh once decompressed (the compressed limit is the HTTP layer's) */
    public BodyReader(int maxInflatedBytes) {
        this.maxInflatedBytes = maxInflatedBytes;
    }

    public Result read(byte[] body, String contentEncoding) {
        String encoding = contentEncoding == null ? "identity" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        byte[] plain;
        switch (encoding) {
            case "", "identity" -> plain = body;
            case "gzip", "x-gzip" -> {
                try {
                    plain = gunzip(body);
                } catch (IOException e) {
                    return new Refused(RejectReason.BAD_BODY, "the body is not valid gzip");
                }
                if (plain == null) {
                    return new Refused(RejectReason.BODY_TOO_LARGE,
                            "the body is over " + maxInflatedBytes / 1024 + " KiB once decompressed");
                }
            }
            default -> {
                return new Refused(RejectReason.UNSUPPORTED_MEDIA_TYPE,
                        "Content-Encoding " + encoding + " is not supported: send gzip or no encoding");
            }
        }
        if (plain.length > maxInflatedBytes) {
            return new Refused(RejectReason.BODY_TOO_LARGE, "the body is over " + maxInflatedBytes / 1024 + " KiB");
        }
        try {
            return new Text(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(plain)).toString());
        } catch (CharacterCodingException e) {
            return new Refused(RejectReason.BAD_BODY, "the body is not UTF-8 text");
        }
    }

    /** The decompressed bytes, or null when they exceed the limit (reading stops just past it). */
    private byte[] gunzip(byte[] body) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxInflatedBytes, body.length * 4 + 64));
            byte[] chunk = new byte[8192];
            int total = 0;
            for (int n; (n = in.read(chunk)) > 0; ) {
                total += n;
                if (total > maxInflatedBytes) {
                    return null;
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        }
    }
}
