package dev.isobench.bench.cli;

import dev.isobench.bench.targets.Leftovers;
import dev.isobench.engine.Engine;
import dev.isobench.engine.runtime.GarbageCollector;
import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.Native;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code isobench gc}: the engine's gc, and what killed benchmark runs left (workspaces, their own dockerd). */
@Command(name = "gc", mixinStandardHelpOptions = true, description = {
        "Remove what crashed runs left behind; nothing isobench did not make is touched.",
        "The engine's leftovers (as 'isobench ctr gc'), and the workspaces, guests and own dockerd of benchmark runs whose",
        "runner is gone."})
final class GcCommand implements Callable<Integer> {
    @Option(names = "--root", paramLabel = "DIR", description = "Engine state and images (default: $ISOBENCH_ROOT or /var/lib/isobench).")
    Path root;

    @Override
    public Integer call() {
        if (!Native.isRoot()) throw new EngineException("isobench gc needs root: it removes mounts, cgroups and processes (run it with sudo)");
        Engine engine = Engine.open(Engine.rootFor(root));
        List<String> runs = Leftovers.collect(engine.root());
        runs.forEach(r -> System.out.println("removed " + r));
        GarbageCollector.Report r = engine.gc(false);
        r.containers().forEach(id -> System.out.println("removed container " + id));
        r.cgroups().forEach(id -> System.out.println("removed cgroup isobench/" + id));
        r.network().forEach(n -> System.out.println("removed " + n));
        System.out.println("gc: " + runs.size() + " benchmark leftover(s), " + r.containers().size() + " container(s), "
                + r.cgroups().size() + " stray cgroup(s) removed");
        return 0;
    }
}
