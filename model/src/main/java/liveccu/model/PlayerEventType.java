package liveccu.model;

import java.util.Locale;
import java.util.Optional;

/** The event types a player sends in a batch of player events (the {@code event} field). */
public enum PlayerEventType {
    SESSION_START,
    PLAYER_LOADED,
    PLAYBACK_START,
    /** A real play: user click, autoplay or API. */
    PLAY,
    /** Carries the seconds played since the previous {@code playing} event, and the position. */
    PLAYING,
    PAUSE,
    BUFFERING,
    SEEK,
    CONTENT_END,
    FILE_DOWNLOADED,
    /**
     * The player met an error: {@code error_code} (the player's own) and {@code fatal} (true when it ended
     * playback). Counted by the QoE only (docs/qoe.md): a fatal error not followed by playing is a playback failure.
     */
    ERROR;

    /** The name on the wire: lower case with underscores, e.g. {@code file_downloaded}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<PlayerEventType> fromWire(String name) {
        for (PlayerEventType type : values()) {
            if (type.wireName().equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
