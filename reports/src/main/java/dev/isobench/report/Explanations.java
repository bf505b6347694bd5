package dev.isobench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A results directory's {@code explain/}: per suite, {@code explain.json} (the workload, its unit, the sample
 * period, and per target the operations profiled, the timed median and the system calls by name) and one
 * {@code TARGET.folded} file of stacks per target. Read into the comparisons the report shows: every target against
 * the host, and the engine against the floor.
 */
public final class Explanations {
    public static final String DIR = "explain";
    public static final String INDEX = "explain.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A flame graph leaves out frames under this share of the target's time: they would be too thin to see. */
    private static final double MIN_FRAME_SHARE = 0.001;

    /** One suite's comparisons. */
    public record Suite(String name, String workload, String unit, List<Differential.Result> comparisons) {}

    private Explanations() {}

    /** A target's label as a file name. */
    public static String fileName(String label) {
        return label.replaceAll("[^A-Za-z0-9._-]+", "_");
    }

    /** The suites a results directory has explanations for, in the order the run wrote them; none for a run without --explain. */
    public static List<Suite> load(Path results) {
        List<Suite> out = new ArrayList<>();
        Path dir = results.resolve(DIR);
        if (!Files.isDirectory(dir)) return out;
        try (var s = Files.list(dir)) {
            for (Path suite : s.sorted().toList()) {
                Path index = suite.resolve(INDEX);
                if (Files.isRegularFile(index)) out.add(suite(suite, JSON.readTree(index.toFile())));
            }
        } catch (IOException e) {
            throw new ReportException("cannot read " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static Suite suite(Path dir, JsonNode index) throws IOException {
        long period = index.path("period_ns").asLong();
        Map<String, Differential.Profile> profiles = new LinkedHashMap<>();
        for (JsonNode t : index.path("targets")) {
            String label = t.path("variant").asText().isEmpty() ? t.path("target").asText() : t.path("target").asText() + "/" + t.path("variant").asText();
            Map<String, Long> syscalls = new TreeMap<>();
            t.path("syscalls").fields().forEachRemaining(e -> syscalls.put(e.getKey(), e.getValue().asLong()));
            profiles.put(label, new Differential.Profile(label, folded(dir.resolve(t.path("folded").asText())), Math.max(1, t.path("ops").asLong()),
                    period, syscalls, t.path("syscall_ops").asLong(), t.path("timed_ns").asDouble(Double.NaN)));
        }
        List<Differential.Result> comparisons = new ArrayList<>();
        Differential.Profile host = profiles.get(index.path("baseline").asText("host"));
        if (host != null) {
            for (Differential.Profile p : profiles.values()) if (p != host) comparisons.add(Differential.of(p, host));
        }
        Differential.Profile floor = profiles.get("floor"), engine = profiles.get("engine");
        if (floor != null && engine != null) comparisons.add(Differential.of(engine, floor));
        return new Suite(dir.getFileName().toString(), index.path("workload").asText(), index.path("unit").asText("operation"), comparisons);
    }

    static Map<String, Long> folded(Path file) throws IOException {
        Map<String, Long> m = new TreeMap<>();
        try (BufferedReader r = Files.newBufferedReader(file)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                int sp = line.lastIndexOf(' ');
                if (sp > 0) m.merge(line.substring(0, sp), Long.parseLong(line.substring(sp + 1).trim()), Long::sum);
            }
        }
        return m;
    }

    /**
     * The comparison as d3-flame-graph's data: the target's call tree, each frame's value its nanoseconds per operation
     * and its delta the difference from the baseline there (red where the target spends more, blue where less).
     */
    static Optional<ObjectNode> flameGraph(Differential.Result r) {
        Differential.Node root = r.tree();
        if (root.target <= 0) return Optional.empty();
        return Optional.of(node(root, root.target * MIN_FRAME_SHARE));
    }

    private static ObjectNode node(Differential.Node n, double min) {
        ObjectNode o = JSON.createObjectNode();
        o.put("n", n.name.equals(Differential.ROOT) ? "all" : n.name);
        o.put("v", Math.round(n.target * 100) / 100.0); // nanoseconds per operation: a getpid's frames are fractions of one
        o.put("d", Math.round(n.delta() * 100) / 100.0);
        ArrayNode c = null;
        for (Differential.Node child : n.children.values()) {
            if (child.target < min) continue;
            if (c == null) c = o.putArray("c");
            c.add(node(child, min));
        }
        return o;
    }

    static String json(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new ReportException("cannot write a flame graph's data: " + e.getMessage(), e);
        }
    }
}
