package liveccu.aggregator.cdn;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator's content catalogue: which content a requested path is, with its bitrate and type. A CSV
 * file ({@code CCU_CONTENT_CATALOGUE}) with the header {@code content_id,path_pattern,bitrate_kbps,type}:
 *
 * <pre>
 * content_id,path_pattern,bitrate_kbps,type
 * ep42,/podcasts/ep42*.mp3,128,vod
 * radio-1,/live/radio1/*,96,live
 * </pre>
 *
 * A pattern matches a whole path; {@code *} stands for any run of characters, {@code /} included. The
 * first row in file order whose pattern matches gives the content: put specific patterns before broad ones.
 * Types: {@code vod}, {@code live}, {@code dar} (a recorded live), as player events name them.
 *
 * <p>Matching is cheap: the patterns are split at their {@code *}s once (no regular expression), only the
 * rows whose text before the first {@code *} starts the path are tried (found by hashing the path's
 * beginnings, one per distinct length of those texts), and the answer for a path is remembered (a CDN
 * serves the same files over and over). Safe for every stream thread at once.
 */
public final class ContentCatalogue {

    /** No catalogue: no path is a content. */
    public static final ContentCatalogue EMPTY = new ContentCatalogue(List.of());

    static final List<String> HEADER = List.of("content_id", "path_pattern", "bitrate_kbps", "type");
    static final List<String> TYPES = List.of("vod", "live", "dar");
    private static final List<String> BLANK = List.of("");
    /** Paths whose answer is remembered (~200 bytes each); when full the memory starts over (cheaper than an LRU's bookkeeping per line). */
    private static final int REMEMBERED_PATHS = 20_000;
    private static final Entry NONE = new Entry("", 0, "");

    /** A content of the catalogue: its id, its bitrate (for the time a number of bytes plays) and its type. */
    public record Entry(String contentId, int bitrateKbps, String type) {
    }

    private record Row(Wildcard pattern, Entry entry) {
    }

    private final List<Row> rows;
    /** The rows (their indexes, in file order) by the text of their pattern before its first {@code *}. */
    private final Map<String, int[]> rowsByPrefix = new HashMap<>();
    /** The distinct lengths of those texts, shortest first. */
    private final int[] prefixLengths;
    private final Map<String, Entry> byPath = new ConcurrentHashMap<>();

    private ContentCatalogue(List<Row> rows) {
        this.rows = rows;
        Map<String, List<Integer>> byPrefix = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            byPrefix.computeIfAbsent(rows.get(i).pattern().parts()[0], prefix -> new ArrayList<>()).add(i);
        }
        byPrefix.forEach((prefix, indexes) -> rowsByPrefix.put(prefix, indexes.stream().mapToInt(Integer::intValue).toArray()));
        this.prefixLengths = byPrefix.keySet().stream().mapToInt(String::length).distinct().sorted().toArray();
    }

    /** Reads the file; a mistake is an {@link InvalidCatalogueException} naming its line. */
    public static ContentCatalogue load(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(reader);
        } catch (IOException e) {
            throw new InvalidCatalogueException("cannot read the file: " + e.getMessage());
        }
    }

    static ContentCatalogue read(Reader csv) throws IOException {
        CsvMapper mapper = CsvMapper.builder()
                .enable(CsvParser.Feature.WRAP_AS_ARRAY, CsvParser.Feature.TRIM_SPACES)
                .build();
        List<Row> rows = new ArrayList<>();
        try (MappingIterator<List<String>> lines = mapper.readerForListOf(String.class).readValues(csv)) {
            if (!lines.hasNext() || !HEADER.equals(withoutByteOrderMark(lines.next()))) {
                throw new InvalidCatalogueException("line 1: the header must be " + String.join(",", HEADER));
            }
            // a row starts where the one before it ended (blank lines are rows of one empty value, skipped here)
            int line = lines.getCurrentLocation().getLineNr();
            while (lines.hasNext()) {
                List<String> values = lines.next();
                if (!values.equals(BLANK)) {
                    rows.add(row(values, line));
                }
                line = lines.getCurrentLocation().getLineNr();
            }
        } catch (RuntimeException e) {
            if (e instanceof InvalidCatalogueException) {
                throw e;
            }
            throw new InvalidCatalogueException("not CSV: " + e.getMessage());
        }
        return new ContentCatalogue(List.copyOf(rows));
    }

    /** A spreadsheet's UTF-8 export may start with a byte-order mark. */
    private static List<String> withoutByteOrderMark(List<String> header) {
        if (header.isEmpty() || !header.get(0).startsWith("\uFEFF")) {
            return header;
        }
        List<String> clean = new ArrayList<>(header);
        clean.set(0, clean.get(0).substring(1));
        return clean;
    }

    private static Row row(List<String> values, int line) {
        if (values.size() != HEADER.size()) {
            throw new InvalidCatalogueException("line " + line + ": " + values.size() + " values, expected "
                    + HEADER.size() + " (" + String.join(",", HEADER) + ")");
        }
        String contentId = values.get(0);
        String pattern = values.get(1);
        String type = values.get(3);
        if (contentId.isEmpty() || pattern.isEmpty()) {
            throw new InvalidCatalogueException("line " + line + ": content_id and path_pattern must not be empty");
        }
        int bitrate;
        try {
            bitrate = Integer.parseInt(values.get(2));
        } catch (NumberFormatException e) {
            bitrate = 0;
        }
        if (bitrate <= 0) {
            throw new InvalidCatalogueException("line " + line + ": bitrate_kbps must be a whole number above 0, was '"
                    + values.get(2) + "'");
        }
        if (!TYPES.contains(type)) {
            throw new InvalidCatalogueException("line " + line + ": type must be one of " + String.join(", ", TYPES)
                    + ", was '" + type + "'");
        }
        return new Row(Wildcard.of(pattern), new Entry(contentId, bitrate, type));
    }

    /** The content of the first row whose pattern matches the whole path; null for none (or a null path). */
    public Entry match(String path) {
        if (path == null || rows.isEmpty()) {
            return null;
        }
        Entry known = byPath.get(path);
        if (known == null) {
            int first = firstMatchingRow(path);
            known = first < 0 ? NONE : rows.get(first).entry();
            if (byPath.size() >= REMEMBERED_PATHS) {
                byPath.clear();
            }
            byPath.put(path, known);
        }
        return known == NONE ? null : known;
    }

    private int firstMatchingRow(String path) {
        int first = Integer.MAX_VALUE;
        for (int length : prefixLengths) {
            if (length > path.length()) {
                break;
            }
            int[] candidates = rowsByPrefix.get(path.substring(0, length));
            if (candidates != null) {
                for (int row : candidates) {
                    if (row >= first) {
                        break;
                    }
                    if (rows.get(row).pattern().matches(path)) {
                        first = row;
                        break;
                    }
                }
            }
        }
        return first == Integer.MAX_VALUE ? -1 : first;
    }

    public int size() {
        return rows.size();
    }

    /** A pattern split at its {@code *}s once: the path must start with the first part, end with the last, hold the others in order between. */
    private record Wildcard(String[] parts) {

        static Wildcard of(String pattern) {
            return new Wildcard(pattern.split("\\*", -1));
        }

        boolean matches(String path) {
            String first = parts[0];
            if (parts.length == 1) {
                return path.equals(first);
            }
            String last = parts[parts.length - 1];
            if (path.length() < first.length() + last.length() || !path.startsWith(first) || !path.endsWith(last)) {
                return false;
            }
            int from = first.length();
            int end = path.length() - last.length();
            for (int i = 1; i < parts.length - 1; i++) {
                int at = path.indexOf(parts[i], from);
                if (at < 0 || at + parts[i].length() > end) {
                    return false;
                }
                from = at + parts[i].length();
            }
            return true;
        }
    }

    /** A catalogue that cannot be used: the message names the line and what is wrong with it. */
    public static final class InvalidCatalogueException extends RuntimeException {
        InvalidCatalogueException(String message) {
            super(message);
        }
    }
}
