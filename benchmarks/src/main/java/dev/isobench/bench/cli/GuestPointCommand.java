package dev.isobench.bench.cli;

import dev.isobench.bench.process.Execution;
import dev.isobench.bench.targets.EngineTarget;
import dev.isobench.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The container-in-a-VM point, run inside the guest (hidden: the startup and syscall suites start it there): the
 * engine's start-to-exit of {@code /probe true} as the startup suite measures it, after a warm-up, and getpid in
 * a container as the syscall suite's probe batches measure it. Writes one line per measurement to {@code --out}:
 * {@code start_to_exit_ns N} and {@code getpid_ns_per_op V,V,...} (one line per probe process).
 */
@Command(name = "guest-point", hidden = true, description = "Measure the engine inside a guest (used by the startup and syscall suites).")
final class GuestPointCommand implements Callable<Integer> {
    @Option(names = "--warmups", defaultValue = "3", description = "Containers run first, not counted.")
    int warmups;

    @Option(names = "--containers", defaultValue = "0", description = "Start-to-exits measured.")
    int containers;

    @Option(names = "--getpid-runs", defaultValue = "0", description = "Probe processes timing getpid in a container.")
    int getpidRuns;

    @Option(names = "--batches", defaultValue = "5", description = "Batches per probe process.")
    int batches;

    @Option(names = "--iters", defaultValue = "1000", description = "getpid calls per batch.")
    int iters;

    @Option(names = "--out", required = true, description = "The file the measurements go to.")
    Path out;

    @Override
    public Integer call() throws IOException {
        List<String> lines = new ArrayList<>();
        try (Engine engine = Engine.open(Engine.rootFor(null))) {
            Path scratch = Files.createTempDirectory("isobench-guest-point");
            EngineTarget target = new EngineTarget(engine, "", UnaryOperator.identity(), scratch);
            for (int i = 0; i < warmups + containers; i++) {
                Execution e = target.run(List.of("true"));
                if (e.exitCode() != 0) throw new IllegalStateException("/probe true exited " + e.exitCode() + " in the guest's container: " + e.stderr());
                if (i >= warmups) lines.add("start_to_exit_ns " + e.nanos());
            }
            for (int r = 0; r < getpidRuns; r++) {
                Execution e = target.run(List.of("bench", "getpid", Integer.toString(batches), Integer.toString(iters)));
                if (e.exitCode() != 0) throw new IllegalStateException("the guest's getpid probe exited " + e.exitCode() + ": " + e.stderr());
                List<String> values = e.stdout().lines().map(String::trim).filter(l -> l.startsWith("ns_per_op ")).map(l -> l.split("\\s+")[1]).toList();
                lines.add("getpid_ns_per_op " + String.join(",", values));
            }
        }
        Files.write(out, lines);
        return 0;
    }
}
