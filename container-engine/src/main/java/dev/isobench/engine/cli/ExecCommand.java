package dev.isobench.engine.cli;

import dev.isobench.engine.spec.ExecSpec;
import dev.isobench.engine.spec.Stdio;
import dev.isobench.engine.spec.User;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code ctr exec}: a further process inside a running container. */
@Command(mixinStandardHelpOptions = true, name = "exec", sortOptions = false, description = {
        "Run a command inside a running container (its namespaces and cgroup); exit with its code.",
        "Example: isobench ctr exec web -- /probe ps"})
final class ExecCommand implements Callable<Integer> {
    @ParentCommand
    CtrCommand ctr;

    @Option(names = {"-i", "--interactive"}, description = "Pass stdin to the process.")
    boolean interactive;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "Set an environment variable (repeatable).")
    List<String> env = new ArrayList<>();

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", defaultValue = "/", description = "Working directory inside.")
    String workdir;

    @Option(names = {"-u", "--user"}, paramLabel = "UID[:GID]", defaultValue = "0:0", description = "Numeric user and group.")
    String user;

    @Parameters(index = "0", paramLabel = "CONTAINER", description = "Name, id or unique id prefix.")
    String ref;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "CMD", description = "Command and arguments (after --).")
    List<String> command;

    @Override
    public Integer call() {
        Stdio stdio = interactive ? Stdio.INHERIT.withStdin() : Stdio.INHERIT;
        return ctr.engine().get(ref).exec(new ExecSpec(ContainerOptions.withoutSeparator(command), env, workdir, User.parse(user), stdio));
    }
}
