package dev.isobench.engine.cli;

import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.runtime.ContainerState;
import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
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
        Set<String> pids = ctr.engine().cgroups().pids(c.cgroup()).stream().map(String::valueOf).collect(Collectors.toSet());
        List<String> cmd = new ArrayList<>(List.of("ps"));
        cmd.addAll(psArgs.isEmpty() ? List.of("-ef") : psArgs);
        Process ps = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> lines = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        if (ps.waitFor() != 0 || lines.isEmpty()) throw new EngineException("ps " + String.join(" ", cmd.subList(1, cmd.size())) + " failed: " + String.join(" ", lines));
        int column = List.of(lines.get(0).trim().split("\\s+")).indexOf("PID");
        if (column < 0) throw new EngineException("ps " + String.join(" ", cmd.subList(1, cmd.size())) + " printed no PID column: give ps options that do");
        System.out.println(lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length > column && pids.contains(f[column])) System.out.println(line);
        }
        return 0;
    }
}
