package dev.isobench.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/** Reads and writes a suite's CSV (one header line, then {@link ResultRow}s), with commons-csv. */
public final class ResultsCsv {
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setHeader(ResultRow.HEADER).setRecordSeparator('\n').build();
    private static final CSVFormat READ = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build();

    private ResultsCsv() {}

    /** What a read found: the rows, and a note for each line it could not use. */
    public record Read(List<ResultRow> rows, List<String> problems) {}

    /**
     * Writes rows as they come to {@code NAME.csv.partial}, flushing each, and renames it to {@code NAME.csv}
     * on {@link #close()}: an interrupted run keeps what it measured, marked as partial.
     */
    public static final class Writer implements AutoCloseable {
        private final Path partial;
        private final Path complete;
        private final CSVPrinter printer;

        public Writer(Path dir, String suite) {
            this.complete = dir.resolve(suite + ".csv");
            this.partial = dir.resolve(suite + ".csv.partial");
            try {
                BufferedWriter w = Files.newBufferedWriter(partial, StandardCharsets.UTF_8);
                this.printer = new CSVPrinter(w, FORMAT);
                printer.flush();
            } catch (IOException e) {
                throw new ReportException("cannot write " + partial + ": " + e.getMessage(), e);
            }
        }

        public synchronized void write(ResultRow r) {
            try {
                printer.printRecord(r.suite(), r.benchmark(), r.target(), r.variant(), r.param(), r.metric(), r.unit(),
                        number(r.value()), number(r.ciLow()), number(r.ciHigh()), r.samples());
                printer.flush();
            } catch (IOException e) {
                throw new ReportException("cannot write " + partial + ": " + e.getMessage(), e);
            }
        }

        @Override
        public synchronized void close() {
            ResultsCsv.finish(printer, partial, complete);
        }
    }

    /** Closes a file written as {@code .partial} and gives it its name: what a reader finds is whole. */
    static void finish(CSVPrinter printer, Path partial, Path complete) {
        try {
            printer.close();
            Files.move(partial, complete, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ReportException("cannot finish " + complete + ": " + e.getMessage(), e);
        }
    }

    static String number(double v) {
        if (Double.isNaN(v)) return "";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.6g", v);
    }

    /** Reads a suite CSV; a truncated or malformed line is reported, not fatal. */
    public static Read read(Path file) {
        List<ResultRow> rows = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (CSVRecord rec : READ.parse(in)) {
                try {
                    rows.add(new ResultRow(rec.get("suite"), rec.get("benchmark"), rec.get("target"), rec.get("variant"),
                            rec.get("param"), rec.get("metric"), rec.get("unit"), parse(rec.get("value")),
                            parse(rec.get("ci_low")), parse(rec.get("ci_high")), (long) parse(rec.get("samples"))));
                } catch (RuntimeException e) {
                    problems.add(file.getFileName() + " line " + rec.getRecordNumber() + ": " + e.getMessage() + " (row skipped)");
                }
            }
        } catch (IOException | RuntimeException e) {
            problems.add(file.getFileName() + ": " + e.getMessage() + " (rows after this point are missing)");
        }
        return new Read(rows, problems);
    }

    private static double parse(String s) {
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }
}
