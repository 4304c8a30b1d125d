package liveccu.logimport;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ./liveccu logs import}: sends CDN access-log files to a running collector's log intake. */
@Command(name = "logs", mixinStandardHelpOptions = true, subcommands = LogsMain.Import.class,
        description = {"CDN access logs: imports log files into a running collector.",
                "Exit status 0 on success, 1 when the collector refused or could not be reached (rerun to resume), 2 for a usage error."})
public final class LogsMain {

    public static void main(String[] args) {
        System.exit(new CommandLine(new LogsMain()).execute(args));
    }

    /** What the operator says a file holds; the collector's source decides how it is read, this only checks the files. */
    enum Format { combined, cloudfront }

    @Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Imports nginx/Apache combined or CloudFront standard log files (plain or gzip) through the "
                    + "collector's POST /v1/logs/{source}, in chunks of a fixed number of lines, each with batch id "
                    + "<file SHA-256> and the number of its first line in the file (X-CCU-Log-First-Line; blank and # lines "
                    + "have none): a line's identity is the file and its place in it, however the file is cut. Resumable: "
                    + "acknowledged chunks are kept in a state file, and a rerun skips finished files and chunks. A line sent "
                    + "twice (a chunk resent, the file imported again with another state file or --chunk-lines) is counted "
                    + "once while the aggregator remembers it (CCU_CDN_REDELIVERY_DAYS after its last delivery)."})
    static final class Import implements Callable<Integer> {
        @Option(names = "--source", required = true, description = "the collector's log source (CCU_LOG_SOURCES) the files belong to")
        String source;
        @Option(names = "--format", description = "check the files are ${COMPLETION-CANDIDATES} (default: no check)")
        Format format;
        @Option(names = "--collector", defaultValue = "${env:CCU_COLLECTOR_URL:-http://localhost:8080}",
                description = "collector URL (default: $CCU_COLLECTOR_URL or http://localhost:8080)")
        URI collector;
        @Option(names = "--token", defaultValue = "${env:CCU_LOG_TOKEN}", description = "the source's token (default: $CCU_LOG_TOKEN)")
        String token;
        @Option(names = "--state", description = "the state file (default: .liveccu-import.json beside the first file)")
        Path state;
        @Option(names = "--chunk-lines", defaultValue = "5000", description = "lines per chunk (default: ${DEFAULT-VALUE}); a file "
                + "already started keeps the size it was started with")
        int chunkLines;
        @Option(names = "--max-chunks", description = "send at most this many chunks in this run, then stop (rerun to go on)")
        Integer maxChunks;
        @Option(names = "--retries", defaultValue = "10", description = "retries of a chunk the collector answers 503 or cannot "
                + "be reached for (default: ${DEFAULT-VALUE})")
        int retries;
        @Option(names = "--max-wait-seconds", defaultValue = "30", description = "longest wait between retries (default: ${DEFAULT-VALUE})")
        int maxWaitSeconds;
        @Parameters(paramLabel = "FILE", arity = "1..*", description = "log files, plain or gzip")
        List<Path> files;
        @Spec
        CommandSpec spec;

        private int sent;
        private long accepted;
        private long rejected;
        private final List<String> rejections = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            if (token == null || token.isBlank()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give the source's token: --token or CCU_LOG_TOKEN");
            }
            if (chunkLines < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--chunk-lines must be at least 1");
            }
            for (Path file : files) {
                if (!Files.isRegularFile(file)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "no such file: " + file);
                }
            }
            ImportState progress = ImportState.load(state != null ? state
                    : files.get(0).toAbsolutePath().resolveSibling(".liveccu-import.json"));
            CollectorClient client = new CollectorClient(collector, source, token, retries, Duration.ofSeconds(maxWaitSeconds));
            for (Path file : files) {
                String stopped = importFile(file, progress, client);
                if (stopped != null) {
                    err().println(file + ": " + stopped);
                    summary();
                    return 1;
                }
            }
            summary();
            return 0;
        }

        /** Null when the file is done, or why the import stopped (the state kept for a rerun). */
        private String importFile(Path file, ImportState state, CollectorClient client) throws Exception {
            String fingerprint = LogFile.fingerprint(file);
            ImportState.FileProgress progress = state.file(fingerprint, file.getFileName().toString(), chunkLines);
            if (progress.complete) {
                out().println(file + ": already imported (" + progress.chunks + " chunks), skipped");
                return null;
            }
            if (!progress.acknowledged.isEmpty()) {
                out().println(file + ": resuming; " + progress.acknowledged.size() + " chunks of " + progress.chunkLines
                        + " lines were acknowledged before, skipping them");
            }
            AtomicLong consumed = new AtomicLong();
            try (BufferedReader reader = LogFile.lines(file, consumed); ProgressBar bar = progressBar(file)) {
                Chunks chunks = new Chunks(reader, progress.chunkLines);
                int count = 0;
                for (Chunks.Chunk chunk; (chunk = chunks.next()) != null; count++) {
                    bar.stepTo(consumed.get());
                    String wrongFormat = wrongFormat(chunks, chunk);
                    if (wrongFormat != null) {
                        return wrongFormat;
                    }
                    if (progress.acknowledged.contains(chunk.index())) {
                        continue;
                    }
                    if (maxChunks != null && sent == maxChunks) {
                        state.save();
                        return "stopped after " + sent + " chunks (--max-chunks): rerun the same command to go on";
                    }
                    CollectorClient.Outcome outcome = client.send(fingerprint, chunk.firstLine(), chunk.text(), chunk.requests());
                    if (outcome instanceof CollectorClient.Stop stop) {
                        state.save();
                        return "chunk " + chunk.index() + ": " + stop.message() + "; rerun the same command to resume";
                    }
                    CollectorClient.Acknowledged ack = (CollectorClient.Acknowledged) outcome;
                    progress.acknowledged.add(chunk.index());
                    state.save();
                    sent++;
                    accepted += ack.accepted();
                    rejected += ack.rejected();
                    String where = file.getFileName() + " chunk " + chunk.index() + " ";
                    ack.firstRejections().stream().limit(Math.max(0, 5 - rejections.size()))
                            .forEach(message -> rejections.add(where + message));
                    bar.setExtraMessage(" " + accepted + " lines accepted, " + rejected + " rejected");
                }
                bar.stepTo(Files.size(file));
                progress.chunks = count;
                progress.complete = true;
                progress.acknowledged.clear();  // complete says it all
                state.save();
            }
            return null;
        }

        /** Null when the chunk may be what {@code --format} says. */
        private String wrongFormat(Chunks chunks, Chunks.Chunk chunk) {
            if (format == Format.cloudfront && chunk.requests() > 0 && !chunks.sawFields()) {
                return "no #Fields: line before chunk " + chunk.index() + "'s lines: is it a CloudFront standard log?";
            }
            if (format == Format.combined && chunks.sawFields()) {
                return "a #Fields: line in chunk " + chunk.index() + ": is it a CloudFront log? (--format cloudfront)";
            }
            return null;
        }

        /** A bar redrawn in place on a terminal; on a pipe or a file, a plain line every few seconds. */
        private ProgressBar progressBar(Path file) throws java.io.IOException {
            ProgressBarBuilder bar = new ProgressBarBuilder().setTaskName(file.getFileName().toString())
                    .setInitialMax(Files.size(file)).setUnit(" MiB", 1 << 20).showSpeed();
            if (System.console() == null) {
                PrintWriter err = err();
                bar.setConsumer(new DelegatingProgressBarConsumer(line -> {
                    err.println(line);
                    err.flush();
                }, 120)).setUpdateIntervalMillis(5000);
            }
            return bar.build();
        }

        private void summary() {
            out().println(sent + " chunks sent: " + accepted + " lines accepted, " + rejected + " rejected");
            rejections.forEach(message -> out().println("  rejected: " + message));
            out().flush();
        }

        private PrintWriter out() {
            return spec.commandLine().getOut();
        }

        private PrintWriter err() {
            return spec.commandLine().getErr();
        }
    }
}
