package dev.isobench.engine.cli;

import dev.isobench.engine.runtime.Container;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code ctr create}: set a container up, stopped at its start barrier. */
@Command(name = "create", sortOptions = false, description = {
        "Create a container whose process waits, fully set up, until 'isobench ctr start'. Prints the id.",
        "Its output goes to <root>/containers/<id>/container.log."})
final class CreateCommand implements Callable<Integer> {
    @ParentCommand
    CtrCommand ctr;

    @Mixin
    ContainerOptions options;

    @Override
    public Integer call() {
        Container c = options.create(ctr.engine(), options.toSpec().detached(true).build());
        System.out.println(c.id());
        return 0;
    }
}
