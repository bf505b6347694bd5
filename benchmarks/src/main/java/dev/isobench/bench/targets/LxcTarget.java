package dev.isobench.bench.targets;

import dev.isobench.bench.process.Execution;
import dev.isobench.bench.process.Processes;
import dev.isobench.engine.sys.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * LXC's application containers: {@code lxc-execute} with a config isobench writes into its own lxcpath. No
 * network ({@code lxc.net.0.type = empty}: a net namespace with only lo), /dev made by LXC (autodev), proc and
 * sys as LXC mounts them for unprivileged use; its cgroups under isobench/ like every other target's.
 */
final class LxcTarget implements Target, AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();
    /** Where LXC parks its monitor while it sets up and removes a container's groups; it leaves it behind. */
    static final String PIVOT = "isobench/lxc-pivot";

    private final Path lxcpath;
    private final Path config;
    private final Path scratch;

    LxcTarget(Path probeRootfs, Path dir, Path scratch) {
        this.lxcpath = dir.resolve("lxc");
        this.config = lxcpath.resolve("isobench.conf");
        this.scratch = scratch;
        try {
            Files.createDirectories(lxcpath);
            Files.writeString(config, String.join("\n",
                    "lxc.uts.name = isobench-lxc",
                    "lxc.rootfs.path = dir:" + probeRootfs,
                    "lxc.net.0.type = empty",
                    "lxc.autodev = 1",
                    "lxc.mount.auto = proc:mixed sys:ro",
                    "lxc.cgroup.dir.monitor.pivot = " + PIVOT,
                    "") + "\n");
        } catch (IOException e) {
            throw new IllegalStateException("cannot write an LXC config in " + lxcpath + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "lxc";
    }

    @Override
    public boolean ownTurns() {
        return true;
    }

    @Override
    public String variant() {
        return "";
    }

    @Override
    public Execution run(List<String> probeArgs) {
        String name = "isb-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
        List<String> cmd = new ArrayList<>(List.of("lxc-execute", "--lxcpath=" + lxcpath, "--name=" + name, "--rcfile=" + config,
                "--define", "lxc.cgroup.dir.container=isobench/lxc-" + name, "--define", "lxc.cgroup.dir.monitor=isobench/lxc-" + name + "-monitor",
                "--", "/probe"));
        cmd.addAll(probeArgs);
        return Processes.run(cmd, scratch);
    }

    @Override
    public void close() {
        removePivot();
    }

    /** The pivot groups LXC leaves in every hierarchy (the empty isobench/ parents go with Targets.close). */
    static void removePivot() {
        for (Path h : Targets.cgroupHierarchies()) {
            Native.rmdir(h.resolve(PIVOT).resolve("lxc.pivot").toString());
            Native.rmdir(h.resolve(PIVOT).toString());
        }
    }
}
