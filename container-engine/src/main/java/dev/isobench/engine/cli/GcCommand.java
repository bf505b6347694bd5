package dev.isobench.engine.cli;

import dev.isobench.engine.runtime.GarbageCollector;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ctr gc}: clean up after crashed runs. */
@Command(mixinStandardHelpOptions = true, name = "gc", description = {
        "Remove what crashed runs left behind; nothing isobench did not make is touched.",
        "Containers whose CLI or creator died, and cgroups under isobench/ with no container. Detached containers are kept",
        "unless --all."})
final class GcCommand implements Callable<Integer> {
    @ParentCommand
    CtrCommand ctr;

    @Option(names = "--all", description = "Also remove detached and running containers.")
    boolean all;

    @Override
    public Integer call() {
        GarbageCollector.Report r = ctr.engine().gc(all);
        r.containers().forEach(id -> System.out.println("removed container " + id));
        r.cgroups().forEach(id -> System.out.println("removed cgroup isobench/" + id));
        r.network().forEach(n -> System.out.println("removed " + n));
        System.out.println("gc: " + r.containers().size() + " container(s), " + r.cgroups().size() + " stray cgroup(s) removed");
        return 0;
    }
}
