package dev.isobench.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.isobench.report.ResultRow;
import dev.isobench.report.ResultsCsv;
import dev.isobench.report.Samples;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * A results directory against what docs/ says of it: manifest.json against docs/manifest.schema.json, and the
 * CSV header, every metric with its unit, and the samples header against the tables of docs/results.md.
 */
public final class DocumentedFormats {
    public static final Path DOCS = Path.of("..").toAbsolutePath().normalize().resolve("docs");
    private static final ObjectMapper JSON = new ObjectMapper();

    private DocumentedFormats() {}

    /** The schema's complaints about a manifest (empty: it conforms). */
    public static List<String> manifestErrors(String manifestJson) throws IOException {
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(Files.readString(DOCS.resolve("manifest.schema.json")), InputFormat.JSON);
        List<String> errors = new ArrayList<>();
        for (Error e : schema.validate(manifestJson, InputFormat.JSON)) errors.add(e.getInstanceLocation() + ": " + e.getMessage());
        return errors;
    }

    /**
     * The schema's complaints about a whole profile (empty: it conforms), against the manifest schema's own
     * {@code $defs/profileFile}: one definition for the files and for what the manifest keeps.
     */
    public static List<String> profileErrors(String profileJson) throws IOException {
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(DOCS.resolve("manifest.schema.json").toFile());
        var only = JSON.createObjectNode();
        only.put("$schema", root.path("$schema").asText());
        only.set("$defs", root.path("$defs"));
        only.put("$ref", "#/$defs/profileFile");
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(JSON.writeValueAsString(only), InputFormat.JSON);
        List<String> errors = new ArrayList<>();
        for (Error e : schema.validate(profileJson, InputFormat.JSON)) errors.add(e.getInstanceLocation() + ": " + e.getMessage());
        return errors;
    }

    public static void assertConforms(Path results) throws IOException {
        List<String> errors = manifestErrors(Files.readString(results.resolve("manifest.json")));
        assertEquals(List.of(), errors, "manifest.json against docs/manifest.schema.json");

        String doc = Files.readString(DOCS.resolve("results.md"));
        assertEquals(List.of(ResultRow.HEADER), table(doc, "## Result rows").keySet().stream().toList(), "the result CSV's columns in docs/results.md");
        Map<String, Set<String>> metrics = new LinkedHashMap<>();
        table(doc, "### Metrics").forEach((metric, units) -> metrics.put(metric, new TreeSet<>(Arrays.asList(units.split(",\\s*")))));
        int rows = 0;
        try (Stream<Path> files = Files.list(results)) {
            for (Path csv : files.filter(f -> f.toString().endsWith(".csv")).sorted().toList()) {
                assertEquals(String.join(",", ResultRow.HEADER), Files.readAllLines(csv).get(0), csv + "'s header");
                ResultsCsv.Read read = ResultsCsv.read(csv);
                assertEquals(List.of(), read.problems(), csv.toString());
                for (ResultRow r : read.rows()) {
                    String metric = r.metric().startsWith("ratio_vs_") ? "ratio_vs_<base>" : r.metric().startsWith("precision_") ? "precision_<metric>" : r.metric();
                    assertTrue(metrics.containsKey(metric), "metric '" + r.metric() + "' (" + r + ") is documented in docs/results.md");
                    assertTrue(metrics.get(metric).contains(r.unit()), "unit '" + r.unit() + "' of " + r.metric() + " is documented: " + metrics.get(metric));
                    rows++;
                }
            }
        }
        assertTrue(rows > 0, "rows were checked in " + results);
        List<String> sampleColumns = new ArrayList<>();
        for (String c : table(doc, "## Raw samples").keySet()) sampleColumns.addAll(Arrays.asList(c.split(",\\s*")));
        assertEquals(List.of(Samples.HEADER), sampleColumns, "the samples file's columns in docs/results.md");
        try (Stream<Path> files = Files.list(results.resolve("samples"))) {
            for (Path gz : files.toList()) {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
                    assertEquals(String.join(",", Samples.HEADER), r.readLine(), gz + "'s header");
                }
            }
        }
    }

    /** The first table after a heading: its first column (names in backticks, joined by ", ") to its second. */
    private static Map<String, String> table(String doc, String heading) {
        int at = doc.indexOf("\n" + heading);
        assertTrue(at >= 0, "docs/results.md has '" + heading + "'");
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher names = Pattern.compile("`([^`]+)`").matcher("");
        boolean inTable = false;
        for (String line : doc.substring(at + 1).split("\n")) {
            if (!line.startsWith("|")) {
                if (inTable) break;
                continue;
            }
            inTable = true;
            String[] cells = line.split("\\|");
            if (cells.length < 3 || cells[1].isBlank() || cells[1].startsWith("---") || !cells[1].contains("`")) continue;
            List<String> found = new ArrayList<>();
            names.reset(cells[1]);
            while (names.find()) found.add(names.group(1));
            rows.put(String.join(", ", found), cells[2].strip());
        }
        return rows;
    }
}
