package dev.isobench.engine.cli;

import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.sys.EngineException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code ctr rm}: remove containers and everything they own. */
@Command(mixinStandardHelpOptions = true, name = "rm", description = "Remove containers: their processes, cgroups and files.")
final class RmCommand implements Callable<Integer> {
    @ParentCommand
    CtrCommand ctr;

    @Option(names = {"-f", "--force"}, description = "Kill a running or created container first.")
    boolean force;

    @Parameters(paramLabel = "CONTAINER", arity = "1..*")
    List<String> refs;

    @Override
    public Integer call() {
        for (String ref : refs) {
            Container c = ctr.engine().get(ref);
            if (!force && !c.state().isStopped()) {
                throw new EngineException("container " + ref + " is " + c.state().lower() + ": kill it first or use rm -f");
            }
            c.delete();
            System.out.println(ref);
        }
        return 0;
    }
}
