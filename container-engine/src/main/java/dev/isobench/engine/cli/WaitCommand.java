package dev.isobench.engine.cli;

import dev.isobench.engine.runtime.Container;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/** {@code ctr wait}: until containers stop, then their exit codes, as docker wait. */
@Command(mixinStandardHelpOptions = true, name = "wait", description = {
        "Block until containers stop, then print each one's exit code (128+n if killed by signal n), as docker wait."})
final class WaitCommand implements Callable<Integer> {
    @ParentCommand
    CtrCommand ctr;

    @Parameters(paramLabel = "CONTAINER", arity = "1..*")
    List<String> refs;

    @Override
    public Integer call() {
        List<Container> containers = refs.stream().map(r -> ctr.engine().get(r)).toList();
        for (Container c : containers) System.out.println(c.waitFor());
        return 0;
    }
}
