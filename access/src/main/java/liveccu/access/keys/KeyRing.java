package liveccu.access.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import liveccu.model.ApiKey;
import liveccu.model.Topics;
import liveccu.ops.kafka.TopicReader;

/**
 * The per-account keys this instance knows, materialised from the compacted keys topic (every
 * instance reads all of it and follows it, so a key created or revoked on one instance works or
 * stops on all of them within a poll).
 */
public final class KeyRing {

    private final Map<String, ApiKey> byId = new ConcurrentHashMap<>();
    private final TopicReader<ApiKey> reader;

    public KeyRing(String bootstrapServers, String clientId) {
        this.reader = new TopicReader<>(bootstrapServers, clientId, Topics.API_KEYS, TopicReader.From.BEGINNING,
                this::apply, () -> { });
    }

    private KeyRing() {
        this.reader = null;
    }

    /** A ring without a reader, filled through {@link #apply}: for route tests without Kafka. */
    public static KeyRing detached() {
        return new KeyRing();
    }

    public TopicReader<ApiKey> reader() {
        return reader;
    }

    /** One record of the keys topic; a tombstone (null) is a revocation. */
    public void apply(String id, ApiKey key) {
        if (key == null) {
            byId.remove(id);
        } else {
            byId.put(id, key);
        }
    }

    /** The key whose text this is, if it is one of ours and not revoked (expiry is the caller's to check). */
    public Optional<ApiKey> find(String presented) {
        String id = KeyText.idOf(presented);
        ApiKey key = id == null ? null : byId.get(id);
        // Constant time over the hashes, so response times tell nothing about how close a guess was.
        if (key == null || !MessageDigest.isEqual(key.sha256().getBytes(StandardCharsets.US_ASCII),
                KeyText.sha256(presented).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        return Optional.of(key);
    }

    public Optional<ApiKey> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Every key, oldest first. */
    public List<ApiKey> all() {
        return byId.values().stream().sorted(Comparator.comparingLong(ApiKey::createdAtMs).thenComparing(ApiKey::id)).toList();
    }
}
