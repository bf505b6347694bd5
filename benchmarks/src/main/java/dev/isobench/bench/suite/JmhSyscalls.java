package dev.isobench.bench.suite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.isobench.bench.jmh.SyscallBenchmarks;
import dev.isobench.bench.process.Processes;
import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.Stdio;
import dev.isobench.engine.spec.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The syscall benchmarks in a JVM (JMH + jnr-ffi): the same jar and JDK on the host and inside a container
 * of the {@code host} image, whose JMH forks run inside that container. Also the harness's own cost: JMH
 * getpid over the probe's native getpid, both on the host.
 */
final class JmhSyscalls {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Student's t at 97.5% for n-1 degrees of freedom, n = 2..10 iterations; 1.96 beyond. */
    private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262};

    private JmhSyscalls() {}

    static void run(SuiteContext ctx, Optional<double[]> nativeHostGetpid) {
        if (ctx.cliJar().isEmpty()) {
            ctx.skip(SyscallSuite.NAME, "JMH (JVM + jnr-ffi)", "not running from the shaded jar, which the JMH forks need");
            return;
        }
        Path jar = ctx.cliJar().get();
        String java = ProcessHandle.current().info().command().orElse("java");
        Map<String, double[]> host = null;
        if (ctx.wants("host")) {
            ctx.progress().step(SyscallSuite.NAME, "JMH on the host");
            Path out = ctx.workspace().scratch().resolve("jmh-host.json");
            // JMH takes a lock in java.io.tmpdir: in the run's own scratch, a JMH elsewhere on the machine (another
            // run's, or the user's) neither blocks this one nor is blocked by it
            List<String> cmd = new ArrayList<>(List.of(java, "-Djava.io.tmpdir=" + ctx.workspace().scratch(), "-cp", jar.toString()));
            cmd.addAll(jmhArgs(ctx, out.toString()));
            Processes.run(cmd, ctx.workspace().scratch()).requireSuccess("JMH on the host");
            host = write(ctx, out, "host", null);
            double[] jmhGetpid = host.get("getpid");
            nativeHostGetpid.filter(n -> jmhGetpid != null).ifPresent(n -> Rows.ratio(ctx,
                    new Rows.Key(SyscallSuite.NAME, "harness-overhead", "host", "jmh-vs-native", "op=getpid"), n, jmhGetpid));
        }
        if (ctx.wants("engine")) {
            ctx.progress().step(SyscallSuite.NAME, "JMH in a container");
            Path outDir = ctx.workspace().scratch().resolve("jmh-out");
            try {
                Files.createDirectories(outDir);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            List<String> cmd = new ArrayList<>(List.of(java, "-Djava.io.tmpdir=/out", "-cp", "/isobench/" + jar.getFileName()));
            cmd.addAll(jmhArgs(ctx, "/out/jmh.json"));
            Path log = ctx.workspace().scratch().resolve("jmh-container.log");
            Container c = ctx.engine().create(ContainerSpec.builder().image("host").command(cmd)
                    .volume(new Volume(Optional.of(jar.getParent()), "/isobench", true))
                    .volume(new Volume(Optional.of(outDir), "/out", false)).stdio(Stdio.toFiles(log, log)).build());
            try {
                c.start();
                int code = c.waitFor();
                if (code != 0) throw new IllegalStateException("JMH in a container exited " + code + ": " + tail(log));
            } finally {
                c.delete();
            }
            write(ctx, outDir.resolve("jmh.json"), "engine", host);
        }
    }

    private static List<String> jmhArgs(SuiteContext ctx, String result) {
        Profile.Jmh p = ctx.profile().jmh();
        return List.of("org.openjdk.jmh.Main", SyscallBenchmarks.class.getName(), "-f", Integer.toString(p.forks()),
                "-wi", Integer.toString(p.warmups()), "-w", p.millis() + "ms", "-i", Integer.toString(p.iterations()),
                "-r", p.millis() + "ms", "-jvmArgsAppend", "-Xmx256m", "-rf", "json", "-rff", result);
    }

    /** Writes the mean (95% t-interval over iterations) per operation; returns the iteration means by op. */
    private static Map<String, double[]> write(SuiteContext ctx, Path json, String target, Map<String, double[]> host) {
        Map<String, double[]> byOp = new LinkedHashMap<>();
        try {
            for (JsonNode b : JSON.readTree(json.toFile())) {
                String name = b.path("benchmark").asText();
                String op = name.substring(name.lastIndexOf('.') + 1).replace("openClose", "open-close");
                List<Double> raw = new ArrayList<>();
                b.path("primaryMetric").path("rawData").forEach(fork -> fork.forEach(v -> raw.add(v.asDouble())));
                double[] it = raw.stream().mapToDouble(Double::doubleValue).toArray();
                byOp.put(op, it);
                double mean = b.path("primaryMetric").path("score").asDouble();
                double half = halfWidth(it);
                Rows.Key k = new Rows.Key(SyscallSuite.NAME, op, target, "jmh", "iterations=" + it.length);
                ctx.write(k.row("mean", "ns", mean, it.length).withCi(mean - half, mean + half));
                if (host != null && host.containsKey(op)) Rows.ratio(ctx, k, host.get(op), it);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read JMH results " + json + ": " + e.getMessage(), e);
        }
        return byOp;
    }

    static double halfWidth(double[] x) {
        if (x.length < 2) return Double.NaN;
        double mean = Arrays.stream(x).average().orElse(0);
        double ss = 0;
        for (double v : x) ss += (v - mean) * (v - mean);
        double sd = Math.sqrt(ss / (x.length - 1));
        double t = x.length - 2 < T975.length ? T975[x.length - 2] : 1.96;
        return t * sd / Math.sqrt(x.length);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
