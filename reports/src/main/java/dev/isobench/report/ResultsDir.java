package dev.isobench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A results directory as reports see it: the manifest, every suite's rows, and the gaps found on the way
 * (a partial CSV, an unreadable line, a manifest of another format), so a report can state them.
 */
public record ResultsDir(Path path, Manifest manifest, Map<String, List<ResultRow>> suites, List<String> gaps) {
    /** Suites in the order a reader meets them; unknown ones follow. */
    static final List<String> ORDER = List.of("syscall", "startup", "rootfs", "cgroup", "network");

    public static ResultsDir load(Path dir) {
        if (!Files.isDirectory(dir)) throw new ReportException(dir + " is not a directory (give a results directory, e.g. results/<host>-<time>)");
        Manifest manifest = Manifest.read(dir);
        List<String> gaps = new ArrayList<>();
        if (manifest.format() != Manifest.FORMAT) {
            gaps.add("manifest format " + manifest.format() + " differs from this version's " + Manifest.FORMAT + ": rendered as far as it matches");
        }
        if (!manifest.complete()) gaps.add("the run did not finish: results are what it completed");
        Map<String, List<ResultRow>> suites = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (!name.endsWith(".csv") && !name.endsWith(".csv.partial")) continue;
                String suite = name.substring(0, name.indexOf(".csv"));
                if (name.endsWith(".partial")) gaps.add("suite " + suite + " was interrupted: its CSV is partial");
                ResultsCsv.Read read = ResultsCsv.read(f);
                gaps.addAll(read.problems());
                if (read.rows().isEmpty()) gaps.add("suite " + suite + " has no rows");
                suites.computeIfAbsent(suite, k -> new ArrayList<>()).addAll(read.rows());
            }
        } catch (IOException e) {
            throw new ReportException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (suites.isEmpty()) gaps.add("no suite CSV found");
        Map<String, List<ResultRow>> ordered = new LinkedHashMap<>();
        for (String s : ORDER) if (suites.containsKey(s)) ordered.put(s, suites.remove(s));
        ordered.putAll(suites);
        return new ResultsDir(dir, manifest, ordered, gaps);
    }

    public List<ResultRow> allRows() {
        List<ResultRow> all = new ArrayList<>();
        suites.values().forEach(all::addAll);
        return all;
    }
}
