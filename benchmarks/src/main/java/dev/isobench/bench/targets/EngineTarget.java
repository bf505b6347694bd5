package dev.isobench.bench.targets;

import dev.isobench.bench.process.Execution;
import dev.isobench.engine.Engine;
import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.runtime.Phase;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.Stdio;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The isobench engine, in-process: create, start, wait, delete through the Java API, as a load generator
 * calls it. The time is from create to the end of delete (the whole lifecycle, like a peer's {@code run});
 * the lifecycle timestamps of the last run give the phases. Containers are {@code ephemeral}, as with
 * {@code run --rm} (and podman's {@code --rm}, which the podman peer runs); a variant can say otherwise.
 */
public final class EngineTarget implements Target {
    private final Engine engine;
    private final String variant;
    private final UnaryOperator<ContainerSpec.Builder> setup;
    private final Path scratch;
    private volatile Map<Phase, Long> lastPhases = Map.of();

    public EngineTarget(Engine engine, String variant, UnaryOperator<ContainerSpec.Builder> setup, Path scratch) {
        this.engine = engine;
        this.variant = variant;
        this.setup = setup;
        this.scratch = scratch;
    }

    @Override
    public String name() {
        return "engine";
    }

    @Override
    public String variant() {
        return variant;
    }

    public Engine engine() {
        return engine;
    }

    public ContainerSpec.Builder spec(List<String> probeArgs) {
        List<String> argv = new ArrayList<>(List.of("/probe"));
        argv.addAll(probeArgs);
        return setup.apply(ContainerSpec.builder().image("probe").command(argv).ephemeral(true));
    }

    @Override
    public Execution run(List<String> probeArgs) {
        return run(spec(probeArgs));
    }

    public Execution run(ContainerSpec.Builder spec) {
        try {
            Files.createDirectories(scratch);
            Path out = Files.createTempFile(scratch, "out", "");
            Path err = Files.createTempFile(scratch, "err", "");
            try {
                long start = System.nanoTime();
                Container c = engine.create(spec.stdio(Stdio.toFiles(out, err)).build());
                int code;
                try {
                    c.start();
                    code = c.waitFor();
                } finally {
                    c.delete();
                }
                long nanos = System.nanoTime() - start;
                lastPhases = c.timestamps();
                return new Execution(nanos, code, Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException("engine run: " + e.getMessage(), e);
        }
    }

    /** Lifecycle timestamps of the most recent run. */
    public Map<Phase, Long> lastPhases() {
        return lastPhases;
    }
}
