package dev.isobench.engine.cli;

import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.runtime.ContainerState;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ctr ps}: list containers. */
@Command(mixinStandardHelpOptions = true, name = "ps", description = "List running and created containers (-a: stopped ones too).")
final class PsCommand implements Callable<Integer> {
    private static final String ROW = "%-12s  %-16s  %-6s  %-8s  %-16s  %s%n";

    @ParentCommand
    CtrCommand ctr;

    @Option(names = {"-a", "--all"}, description = "Show stopped containers too.")
    boolean all;

    @Option(names = {"-q", "--quiet"}, description = "Only print ids.")
    boolean quiet;

    @Override
    public Integer call() {
        if (!quiet) System.out.printf(ROW, "CONTAINER ID", "NAME", "IMAGE", "PID", "STATUS", "COMMAND");
        for (Container c : ctr.engine().list()) {
            ContainerState s = c.state();
            if (!all && s.isStopped()) continue;
            if (quiet) {
                System.out.println(c.id());
                continue;
            }
            String code = c.exitCode().map(String::valueOf).orElse("?");
            String status = s == ContainerState.STOPPED ? "exited (" + code + ")" : s == ContainerState.OOM_KILLED ? "OOMKilled (" + code + ")" : s.lower();
            System.out.printf(ROW, c.id(), c.name(), c.record().config().image(), c.pid(), status, String.join(" ", c.record().config().command()));
        }
        return 0;
    }
}
