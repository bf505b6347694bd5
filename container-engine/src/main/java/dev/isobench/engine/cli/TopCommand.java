package dev.isobench.engine.cli;

import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.runtime.ContainerState;
import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/** {@code ctr top}: the container's processes as the host's ps sees them, as docker top. */
@Command(mixinStandardHelpOptions = true, name = "top", description = {
        "Show the processes of a running container, as the host's ps(1) shows them (host pids).",
        "Arguments after the container go to ps (default: -ef), as docker top's."})
final class TopCommand implements Callable<Integer> {
    @ParentCommand
    CtrCommand ctr;

    @Parameters(index = "0", paramLabel = "CONTAINER")
    String ref;

    @Parameters(index = "1..*", paramLabel = "PS-OPTIONS")
    List<String> psArgs = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        Container c = ctr.engine().get(ref);
        if (c.state() != ContainerState.RUNNING) throw new EngineException("container " + ref + " is " + c.state().lower() + ", not running: it has no processes to show");
        HostPs.print(ctr.engine().cgroups().pids(c.cgroup()), psArgs);
        return 0;
    }
}
