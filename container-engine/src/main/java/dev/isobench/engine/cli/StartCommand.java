package dev.isobench.engine.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code ctr start}: release created containers. */
@Command(mixinStandardHelpOptions = true, name = "start", description = "Start one or more created containers.")
final class StartCommand implements Callable<Integer> {
    @ParentCommand
    CtrCommand ctr;

    @Parameters(paramLabel = "CONTAINER", arity = "1..*", description = "Name, id or unique id prefix.")
    List<String> refs;

    @Override
    public Integer call() {
        for (String ref : refs) {
            ctr.engine().get(ref).start();
            System.out.println(ref);
        }
        return 0;
    }
}
