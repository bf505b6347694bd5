package dev.isobench.bench.suite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Profiles as files: JSON with snake_case fields and one section per suite (docs/profiles.md,
 * docs/profile.schema.json). {@code quick}, {@code full} and {@code tiny} are resources of the jar; any other
 * name is a path. A file may start from a built-in one ({@code "extends": "quick"}) and give only what differs.
 * Every field is checked against its range before a run starts; a bad one is one line naming the file, the field
 * and what it may be.
 */
public final class ProfileFiles {
    public static final List<String> BUILT_IN = List.of("quick", "full", "tiny");
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Pattern SIZE = Pattern.compile("[1-9][0-9]*[kmg]");

    private ProfileFiles() {}

    public static Profile builtIn(String name) {
        return parse(name, tree(name));
    }

    /** A built-in profile by name, or the profile file at this path. */
    public static Profile load(String nameOrFile) {
        if (BUILT_IN.contains(nameOrFile)) return builtIn(nameOrFile);
        Path file = Path.of(nameOrFile);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--profile: '" + nameOrFile + "' is neither " + String.join(", ", BUILT_IN)
                    + " nor a profile file (see docs/profiles.md)");
        }
        JsonNode node;
        try {
            node = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("profile " + file + ": not JSON: " + firstLine(e.getMessage()), e);
        }
        if (!(node instanceof ObjectNode given)) throw new IllegalArgumentException("profile " + file + ": must be a JSON object");
        JsonNode base = given.remove("extends");
        if (base != null) {
            if (!BUILT_IN.contains(base.asText())) {
                throw new IllegalArgumentException("profile " + file + ": extends must be one of " + String.join(", ", BUILT_IN) + ", got " + base);
            }
            given = merge(tree(base.asText()).deepCopy(), given);
        }
        return parse(file.toString(), given);
    }

    /** The profile as its file has it (snake_case): what the manifest keeps. */
    public static JsonNode toJson(Profile p) {
        return JSON.valueToTree(p);
    }

    private static ObjectNode tree(String name) {
        try (InputStream in = ProfileFiles.class.getResourceAsStream("/dev/isobench/bench/profiles/" + name + ".json")) {
            if (in == null) throw new IllegalStateException("the jar lacks the built-in profile " + name);
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the built-in profile " + name + ": " + e.getMessage(), e);
        }
    }

    /** {@code over}'s fields replace {@code base}'s, section by section. */
    private static ObjectNode merge(ObjectNode base, ObjectNode over) {
        over.fields().forEachRemaining(e -> {
            JsonNode mine = base.get(e.getKey());
            if (mine instanceof ObjectNode m && e.getValue() instanceof ObjectNode o && !e.getKey().equals("shares")) merge(m, o);
            else base.set(e.getKey(), e.getValue());
        });
        return base;
    }

    private static Profile parse(String source, JsonNode node) {
        Profile p;
        try {
            p = JSON.treeToValue(node, Profile.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException("profile " + source + ": unknown field " + path(e) + " (fields here: "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")", e);
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException("profile " + source + ": " + path(e) + ": " + firstLine(e.getOriginalMessage()), e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("profile " + source + ": " + firstLine(e.getOriginalMessage()), e);
        }
        new Check(source).profile(p);
        return p;
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    /** The ranges, field by field; the first field out of range ends the check with its line. */
    private record Check(String source) {
        void profile(Profile p) {
            if (p.name().isBlank()) fail("name", "a non-empty name", "\"\"");
            range("budget_seconds", p.budgetSeconds(), 10, 86_400);
            range("precision", p.precision(), 0.001, 0.5);
            for (String suite : p.shares().keySet()) {
                if (!Runner.SUITES.containsKey(suite)) fail("shares." + suite, "a suite (" + String.join(", ", Runner.SUITES.keySet()) + ")", suite);
            }
            for (String suite : Runner.SUITES.keySet()) {
                if (!p.shares().containsKey(suite)) fail("shares." + suite, "a weight for every suite", "missing");
                range("shares." + suite, p.share(suite), 0.01, 100);
            }
            Profile.Startup s = p.startup();
            range("startup.min_runs", s.minRuns(), 3, 100_000);
            range("startup.max_runs", s.maxRuns(), s.minRuns(), 100_000);
            range("startup.engine_warmups", s.engineWarmups(), 1, 10_000);
            range("startup.cli_runs", s.cliRuns(), 1, 10_000);
            range("startup.storm_seconds", s.stormSeconds(), 0.1, 600);
            each("startup.storm_levels", s.stormLevels(), 1, 256);
            range("startup.vm_boots", s.vmBoots(), 1, 100);
            Profile.Syscall c = p.syscall();
            range("syscall.min_turns", c.minTurns(), 2, 1000);
            range("syscall.max_turns", c.maxTurns(), c.minTurns(), 1000);
            range("syscall.batches_per_turn", c.batchesPerTurn(), 1, 1000);
            range("syscall.iters", c.iters(), 100, 10_000_000);
            if (c.ops().isEmpty()) fail("syscall.ops", "one or more of " + String.join(", ", Profile.ALL_OPS), "[]");
            for (String op : c.ops()) if (!Profile.ALL_OPS.contains(op)) fail("syscall.ops", "ops from " + String.join(", ", Profile.ALL_OPS), op);
            Profile.Rootfs r = p.rootfs();
            for (String size : r.sizes()) {
                if (!SIZE.matcher(size).matches() && !size.equals(RootfsSuite.HOST_TREE)) fail("rootfs.sizes", "sizes like 10m, 1g or \"host\"", size);
            }
            range("rootfs.runs", r.runs(), 1, 1000);
            for (String size : r.copyUpSizes()) if (!SIZE.matcher(size).matches()) fail("rootfs.copy_up_sizes", "sizes like 4k, 1m or 64m", size);
            each("rootfs.layer_depths", r.layerDepths(), 1, 64);
            Profile.Cgroup g = p.cgroup();
            for (double cpus : g.quotaCpus()) range("cgroup.quota_cpus", cpus, 0.01, Runtime.getRuntime().availableProcessors());
            each("cgroup.quota_threads", g.quotaThreads(), 1, 1024);
            range("cgroup.quota_seconds", g.quotaSeconds(), 0.2, 600);
            each("cgroup.share_ratios", g.shareRatios(), 1, 1000);
            each("cgroup.memory_limits_mib", g.memoryLimitsMib(), 6, 1 << 20);
            each("cgroup.pids_limits", g.pidsLimits(), 2, 1 << 20);
            range("network.pings", p.network().pings(), 10, 10_000_000);
            range("network.stream_runs", p.network().streamRuns(), 1, 1000);
            range("network.stream_seconds", p.network().streamSeconds(), 0.1, 600);
            Profile.App a = p.app();
            if (a.workloads().isEmpty()) fail("app.workloads", "one or more of " + String.join(", ", Profile.App.WORKLOADS), "[]");
            for (String w : a.workloads()) if (!Profile.App.WORKLOADS.contains(w)) fail("app.workloads", "workloads from " + String.join(", ", Profile.App.WORKLOADS), w);
            if (a.clients().isEmpty()) fail("app.clients", "one or more connection counts", "[]");
            each("app.clients", a.clients(), 1, 1000);
            range("app.min_runs", a.minRuns(), 2, 1000);
            range("app.max_runs", a.maxRuns(), a.minRuns(), 1000);
            range("app.run_seconds", a.runSeconds(), 0.5, 3600);
            for (String v : a.variants()) if (!Profile.App.VARIANTS.contains(v)) fail("app.variants", "variants from " + String.join(", ", Profile.App.VARIANTS), v);
            if (!a.clients().contains(a.variantClients())) fail("app.variant_clients", "one of app.clients " + a.clients(), Integer.toString(a.variantClients()));
            range("app.pgbench_scale", a.pgbenchScale(), 1, 10_000);
            range("app.fio_file_mib", a.fioFileMib(), 4, 1 << 20);
            range("jmh.forks", p.jmh().forks(), 1, 100);
            range("jmh.warmups", p.jmh().warmups(), 0, 100);
            range("jmh.iterations", p.jmh().iterations(), 1, 1000);
            range("jmh.millis", p.jmh().millis(), 10, 600_000);
        }

        private void each(String field, List<Integer> values, int min, int max) {
            for (int v : values) range(field, v, min, max);
        }

        private void range(String field, double value, double min, double max) {
            if (!(value >= min && value <= max)) fail(field, number(min) + " to " + number(max), number(value));
        }

        private void fail(String field, String valid, String got) {
            throw new IllegalArgumentException("profile " + source + ": " + field + " must be " + valid + ", got " + got);
        }

        private static String number(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
        }
    }
}
