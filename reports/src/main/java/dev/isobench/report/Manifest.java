package dev.isobench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * manifest.json of a results directory: host facts, versions, profile, targets found or skipped, warnings,
 * start and end. Kept as a JSON tree so a report can render manifests of older and newer versions alike.
 */
public final class Manifest {
    public static final String FILE = "manifest.json";
    /** The results format this code writes; a report of another format warns and renders what it can. */
    public static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ObjectNode root;

    public Manifest(ObjectNode root) {
        this.root = root;
    }

    public static Manifest create() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("complete", false);
        root.putObject("host");
        root.putObject("run");
        root.putObject("targets");
        root.putArray("warnings");
        return new Manifest(root);
    }

    public static Manifest read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            throw new ReportException(dir + " is not a results directory: it has no " + FILE + " (run 'isobench run' to make one)");
        }
        try {
            JsonNode n = JSON.readTree(file.toFile());
            if (!(n instanceof ObjectNode o)) throw new ReportException(file + " is not a JSON object");
            return new Manifest(o);
        } catch (IOException e) {
            throw new ReportException(file + " is unreadable (" + e.getMessage() + ")", e);
        }
    }

    public ObjectNode root() {
        return root;
    }

    public ObjectNode host() {
        return (ObjectNode) root.with("host");
    }

    public ObjectNode run() {
        return (ObjectNode) root.with("run");
    }

    public ObjectNode targets() {
        return (ObjectNode) root.with("targets");
    }

    public synchronized void warn(String warning) {
        root.withArray("warnings").add(warning);
    }

    public int format() {
        return root.path("format").asInt(0);
    }

    public boolean complete() {
        return root.path("complete").asBoolean(false);
    }

    /** A short label for this run in comparisons: hostname and start time. */
    public String label() {
        return root.path("host").path("hostname").asText("?") + " " + root.path("run").path("started").asText("");
    }

    /** Written to a temporary file and renamed: a reader never sees half a manifest. */
    public synchronized void write(Path dir) {
        try {
            Path tmp = dir.resolve(FILE + ".tmp");
            JSON.writeValue(tmp.toFile(), root);
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ReportException("cannot write " + dir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }
}
