package dev.isobench.report;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * The raw samples behind every latency row, long and tidy, one file per suite: {@code samples/<suite>.csv.gz} with
 * suite, benchmark, target, variant, param, sample (its index), value and unit. One call loads it:
 * {@code pandas.read_csv("samples/startup.csv.gz")} or {@code read.csv(gzfile(...))}. {@code compare} tests matched
 * rows on these samples rather than on their intervals.
 */
public final class Samples {
    /**
     * {@code run}: the run (one process or connection) a sample was taken in, where samples come in runs and a run's
     * samples share its placement; empty where every sample is independent.
     */
    public static final String[] HEADER = {"suite", "benchmark", "target", "variant", "param", "sample", "value", "unit", "run"};
    private static final CSVFormat WRITE = CSVFormat.DEFAULT.builder().setHeader(HEADER).build();
    private static final CSVFormat READ = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build();

    private Samples() {}

    /** The identity a row's samples are filed under: its key without the metric (they belong to every metric of it). */
    public static String key(String suite, String benchmark, String target, String variant, String param) {
        return String.join("|", suite, benchmark, target, variant, param);
    }

    public static String key(ResultRow r) {
        return key(r.suite(), r.benchmark(), r.target(), r.variant(), r.param());
    }

    /** Appends rows of samples to {@code samples/<suite>.csv.gz.partial}; renamed on {@link #close()}, as the suite CSV is. */
    public static final class Writer implements AutoCloseable {
        private final Path partial;
        private final Path complete;
        private final CSVPrinter printer;

        public Writer(Path resultsDir, String suite) {
            Path dir = resultsDir.resolve("samples");
            this.complete = dir.resolve(suite + ".csv.gz");
            this.partial = dir.resolve(suite + ".csv.gz.partial");
            try {
                Files.createDirectories(dir);
                printer = new CSVPrinter(new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(partial)),
                        StandardCharsets.UTF_8)), WRITE);
            } catch (IOException e) {
                throw new ReportException("cannot write " + partial + ": " + e.getMessage(), e);
            }
        }

        /** Independent samples (run left empty). */
        public synchronized void write(String suite, String benchmark, String target, String variant, String param, String unit, double[] values) {
            write(suite, benchmark, target, variant, param, unit, List.of(values), false);
        }

        /** Samples taken in runs, each with its run's index. */
        public synchronized void writeRuns(String suite, String benchmark, String target, String variant, String param, String unit, List<double[]> runs) {
            write(suite, benchmark, target, variant, param, unit, runs, true);
        }

        private void write(String suite, String benchmark, String target, String variant, String param, String unit, List<double[]> runs, boolean numbered) {
            try {
                int i = 0;
                for (int run = 0; run < runs.size(); run++) {
                    for (double v : runs.get(run)) {
                        printer.printRecord(suite, benchmark, target, variant, param, i++, ResultsCsv.number(v), unit, numbered ? Integer.toString(run) : "");
                    }
                }
            } catch (IOException e) {
                throw new ReportException("cannot write " + partial + ": " + e.getMessage(), e);
            }
        }

        @Override
        public synchronized void close() {
            ResultsCsv.finish(printer, partial, complete);
        }
    }

    /**
     * Every row's samples in a results directory, by {@link #key}, as runs: a row's runs in order where its samples
     * came in runs, else each sample a run of its own (so a bootstrap over runs is the plain one). Empty for results
     * from before samples were kept; files from before runs were recorded read as independent samples.
     */
    public static Map<String, List<double[]>> read(Path resultsDir) {
        Map<String, Map<String, List<Double>>> found = new LinkedHashMap<>();
        Path dir = resultsDir.resolve("samples");
        if (!Files.isDirectory(dir)) return Map.of();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.csv.gz")) {
            for (Path f : files) {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(f)), StandardCharsets.UTF_8))) {
                    for (CSVRecord rec : READ.parse(r)) {
                        String k = key(rec.get("suite"), rec.get("benchmark"), rec.get("target"), rec.get("variant"), rec.get("param"));
                        String run = rec.isMapped("run") ? rec.get("run") : "";
                        // an independent sample is a run of its own: its index names it
                        String group = run.isEmpty() ? "s" + rec.get("sample") : run;
                        found.computeIfAbsent(k, x -> new LinkedHashMap<>()).computeIfAbsent(group, x -> new ArrayList<>())
                                .add(Double.parseDouble(rec.get("value")));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new ReportException("cannot read the samples in " + dir + ": " + e.getMessage(), e);
        }
        Map<String, List<double[]>> out = new LinkedHashMap<>();
        found.forEach((k, runs) -> out.put(k, runs.values().stream().map(v -> v.stream().mapToDouble(Double::doubleValue).toArray()).toList()));
        return out;
    }
}
