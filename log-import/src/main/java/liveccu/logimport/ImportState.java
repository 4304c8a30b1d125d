package liveccu.logimport;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the importer has had acknowledged, per file fingerprint: the chunk size it cut the file with (a
 * resume cuts it alike, to skip the same chunks), the chunks the collector acknowledged, and whether the file
 * is done. Written (atomically, by a rename) after every acknowledged chunk, so an interrupted import resumes
 * where it stopped. A chunk acknowledged by the collector but not yet written here is sent again on resume:
 * its lines keep their identities (the file's fingerprint, their numbers in the file), and are counted once.
 */
final class ImportState {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** One file's progress; public fields for Jackson. */
    static final class FileProgress {
        public String name;
        public int chunkLines;
        public Integer chunks;
        public TreeSet<Integer> acknowledged = new TreeSet<>();
        public boolean complete;
    }

    /** The document: public fields for Jackson. */
    static final class Document {
        public TreeMap<String, FileProgress> files = new TreeMap<>();
    }

    private final Path path;
    private final Document document;

    private ImportState(Path path, Document document) {
        this.path = path;
        this.document = document;
    }

    static ImportState load(Path path) throws IOException {
        return new ImportState(path, Files.exists(path) ? JSON.readValue(path.toFile(), Document.class) : new Document());
    }

    Path path() {
        return path;
    }

    /** The file's progress, new when it was never seen (cut in chunks of {@code chunkLines}). */
    FileProgress file(String fingerprint, String name, int chunkLines) {
        return document.files.computeIfAbsent(fingerprint, f -> {
            FileProgress progress = new FileProgress();
            progress.name = name;
            progress.chunkLines = chunkLines;
            return progress;
        });
    }

    void save() throws IOException {
        Path temporary = path.resolveSibling(path.getFileName() + ".tmp");
        JSON.writeValue(temporary.toFile(), document);
        Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
