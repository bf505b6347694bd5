package dev.isobench.engine.cli;

import dev.isobench.engine.spec.Limits;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code ctr update}: new limits for running containers. */
@Command(name = "update", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Change the resource limits of running containers; flags not given keep their value.",
                "Example: isobench ctr update web --cpus 0.25 --memory 128m"})
final class UpdateCommand implements Callable<Integer> {
    @ParentCommand
    CtrCommand ctr;

    @Mixin
    LimitOptions limits;

    @Parameters(paramLabel = "CONTAINER", arity = "1..*")
    List<String> refs;

    @Override
    public Integer call() {
        Limits l = limits.toLimits();
        if (l.isEmpty()) throw new IllegalArgumentException("update needs at least one limit flag (see 'isobench ctr update --help')");
        for (String ref : refs) {
            ctr.engine().get(ref).update(l);
            System.out.println(ref);
        }
        return 0;
    }
}
