package dev.isobench.bench.targets;

import dev.isobench.bench.process.Execution;
import dev.isobench.engine.files.CopyTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code podman run --rm} of the probe, from its own copy of the probe rootfs ({@code --rootfs}: no image to
 * pull or store), without a network, as the other peers run. The ulimits are given because podman otherwise
 * copies the session's and fails where it cannot raise the hard nofile limit. podman's cgroupfs manager
 * leaves an empty {@code libpod_parent} (with {@code conmon}) in every hierarchy it touched; those that were
 * not there before go when the run ends.
 */
final class PodmanTarget implements Target, AutoCloseable {
    private static final String PARENT = "libpod_parent";

    private final String runtime;
    private final CommandTarget command;
    private final List<Path> parentsToRemove = new ArrayList<>();

    /** @param launcher what podman runs under (crun's private mount namespace on a hybrid host), or nothing */
    PodmanTarget(List<String> launcher, Path probeRootfs, Path copy, Path scratch) {
        this(launcher, "", "", probeRootfs, copy, scratch);
    }

    /**
     * @param runtime     the variant: which OCI runtime podman drives ("" for its default)
     * @param runtimePath what podman's --runtime is given for it: a name podman knows, or a binary's path
     */
    PodmanTarget(List<String> launcher, String runtime, String runtimePath, Path probeRootfs, Path copy, Path scratch) {
        this.runtime = runtime;
        CopyTree.copy(probeRootfs, copy, false);
        List<String> prefix = new ArrayList<>(launcher);
        prefix.add("podman");
        if (!runtimePath.isEmpty()) prefix.addAll(List.of("--runtime", runtimePath));
        prefix.addAll(List.of("run", "--rm", "--network", "none", "--ulimit", "nofile=1024:1024",
                "--ulimit", "nproc=1024:1024", "--rootfs", copy.toString()));
        List<String> fixed = List.copyOf(prefix);
        this.command = new CommandTarget(name(), variant(), () -> fixed, () -> { }, scratch);
        for (Path hierarchy : Targets.cgroupHierarchies()) {
            if (!Files.exists(hierarchy.resolve(PARENT))) parentsToRemove.add(hierarchy.resolve(PARENT));
        }
    }

    @Override
    public String name() {
        return "podman";
    }

    @Override
    public String variant() {
        return runtime;
    }

    @Override
    public Execution run(List<String> probeArgs) {
        return command.run(probeArgs);
    }

    /** Removes the libpod_parent cgroups podman made here; one still in use (another podman) stays. */
    @Override
    public void close() {
        for (Path parent : parentsToRemove) {
            try {
                Files.deleteIfExists(parent.resolve("conmon"));
                Files.deleteIfExists(parent);
            } catch (IOException e) {
                // a podman container outside this run lives there: leave it
            }
        }
    }
}
