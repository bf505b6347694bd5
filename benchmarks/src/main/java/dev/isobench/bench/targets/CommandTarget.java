package dev.isobench.bench.targets;

import dev.isobench.bench.process.Execution;
import dev.isobench.bench.process.Processes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A peer that runs the probe as one command line: unshare + chroot, bwrap, runc, crun, podman. The prefix
 * is made per run (runc and crun need a fresh container id each time).
 */
public final class CommandTarget implements Target {
    private final String name;
    private final String variant;
    private final Supplier<List<String>> prefix;
    private final Runnable afterEach;
    private final Path scratch;

    public CommandTarget(String name, String variant, Supplier<List<String>> prefix, Runnable afterEach, Path scratch) {
        this.name = name;
        this.variant = variant;
        this.prefix = prefix;
        this.afterEach = afterEach;
        this.scratch = scratch;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String variant() {
        return variant;
    }

    @Override
    public Execution run(List<String> probeArgs) {
        List<String> cmd = new ArrayList<>(prefix.get());
        cmd.add("/probe");
        cmd.addAll(probeArgs);
        try {
            return Processes.run(cmd, scratch);
        } finally {
            afterEach.run();
        }
    }
}
