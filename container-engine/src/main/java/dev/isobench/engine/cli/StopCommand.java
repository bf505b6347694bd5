package dev.isobench.engine.cli;

import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.runtime.ContainerState;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/** {@code ctr stop}: TERM, then KILL after a grace period, as docker stop. */
@Command(mixinStandardHelpOptions = true, name = "stop", description = {
        "Stop running containers: SIGTERM to the first process, then SIGKILL once the grace period is over.",
        "A container that is not running is left as it is, as docker's. The first process of a container is its pid",
        "namespace's init: the kernel drops a TERM it installed no handler for, so such a container stops at the KILL."})
final class StopCommand implements Callable<Integer> {
    private static final int POLL_MILLIS = 20;

    @ParentCommand
    CtrCommand ctr;

    @Option(names = {"-t", "--time"}, paramLabel = "SECONDS", defaultValue = "10", description = "Seconds to wait for the TERM before the KILL (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Parameters(paramLabel = "CONTAINER", arity = "1..*")
    List<String> refs;

    @Override
    public Integer call() throws InterruptedException {
        if (seconds < 0) throw new IllegalArgumentException("--time takes a number of seconds of 0 or more, got " + seconds);
        List<Container> containers = refs.stream().map(r -> ctr.engine().get(r)).toList(); // every name checked before any stops
        for (int i = 0; i < containers.size(); i++) {
            stop(containers.get(i));
            System.out.println(refs.get(i));
        }
        return 0;
    }

    private void stop(Container c) throws InterruptedException {
        if (c.state() != ContainerState.RUNNING) return;
        c.kill(15);
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (c.state() == ContainerState.RUNNING && System.nanoTime() < deadline) Thread.sleep(POLL_MILLIS);
        if (c.state() == ContainerState.RUNNING) c.kill(9);
        while (c.state() == ContainerState.RUNNING) Thread.sleep(POLL_MILLIS);
    }
}
