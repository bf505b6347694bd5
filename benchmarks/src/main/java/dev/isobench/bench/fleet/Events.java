package dev.isobench.bench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-host task events that deploy/ansible's isobench_events callback writes, one JSON object a line.
 * Read as the playbook runs (only whole lines) for the progress lines, and at the end for each host's outcome.
 */
final class Events {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One event: {@code kind} is start, ok, failed, ignored, unreachable or skipped. */
    record Event(double time, String host, String task, String phase, String kind, String reason) {
        boolean ends() {
            return !kind.equals("start");
        }

        boolean fails() {
            return kind.equals("failed") || kind.equals("unreachable");
        }
    }

    private final Path file;
    private long read;
    private final List<Event> all = new ArrayList<>();

    Events(Path file) {
        this.file = file;
    }

    /** The events written since the last call (whole lines only); all of them stay in {@link #all()}. */
    List<Event> poll() {
        List<Event> fresh = new ArrayList<>();
        if (!Files.exists(file)) return fresh;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size <= read) return fresh;
            ByteBuffer buf = ByteBuffer.allocate((int) (size - read));
            for (long at = read; buf.hasRemaining(); ) { // only the bytes written since the last call
                int n = ch.read(buf, at);
                if (n <= 0) break;
                at += n;
            }
            byte[] bytes = buf.array();
            int end = buf.position();
            while (end > 0 && bytes[end - 1] != '\n') end--; // a line still being written waits for the next call
            read += end;
            for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) continue;
                JsonNode n = JSON.readTree(line);
                fresh.add(new Event(n.path("time").asDouble(), n.path("host").asText(), n.path("task").asText(), n.path("phase").asText(),
                        n.path("event").asText(), n.path("reason").asText("")));
            }
        } catch (IOException e) {
            throw new FleetException("cannot read the playbook's events in " + file + ": " + e.getMessage(), e);
        }
        all.addAll(fresh);
        return fresh;
    }

    List<Event> all() {
        return List.copyOf(all);
    }

    List<Event> of(String host) {
        return all.stream().filter(e -> e.host().equals(host)).toList();
    }

    /** Seconds per phase (prepare, copy, run, fetch, stop), each task from its start to its end on this host. */
    static Map<String, Double> phaseSeconds(List<Event> events) {
        Map<String, Double> started = new LinkedHashMap<>();
        Map<String, Double> phases = new LinkedHashMap<>();
        for (Event e : events) {
            if (e.phase().isEmpty()) continue;
            if (!e.ends()) {
                started.put(e.task(), e.time());
            } else if (started.containsKey(e.task())) {
                phases.merge(e.phase(), e.time() - started.remove(e.task()), Double::sum);
            }
        }
        return phases;
    }
}
