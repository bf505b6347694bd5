package dev.isobench.engine.cli;

import dev.isobench.engine.runtime.Container;
import dev.isobench.engine.spec.ContainerSpec;
import dev.isobench.engine.spec.Stdio;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ctr run}: create and start a container, then wait for it (or detach). */
@Command(name = "run", sortOptions = false, description = {
        "Run a command in a new container and exit with its exit code (128+n if killed by signal n).",
        "Usage as docker run's: run [OPTIONS] IMAGE [COMMAND [ARG...]]. Example: isobench ctr run --rm probe /probe hostname"})
final class RunCommand implements Callable<Integer> {
    @ParentCommand
    CtrCommand ctr;

    @Option(names = "--rm", description = "Remove the container when it exits (its overlay rootfs then skips syncs, as podman's --rm).")
    boolean remove;

    @Option(names = {"-d", "--detach"}, description = "Run in the background and print the container id.")
    boolean detach;

    @Option(names = {"-i", "--interactive"}, description = "Pass stdin to the container.")
    boolean interactive;

    @Mixin
    ContainerOptions options;

    @Override
    public Integer call() {
        if (detach && remove) throw new IllegalArgumentException("--rm and -d cannot be combined yet: remove a detached container with 'isobench ctr rm'");
        ContainerSpec spec = options.toSpec().detached(detach).ephemeral(remove).stdio(interactive ? Stdio.INHERIT.withStdin() : Stdio.INHERIT).build();
        Container c = options.create(ctr.engine(), spec);
        if (detach) {
            c.start();
            System.out.println(c.id());
            return 0;
        }
        // Ctrl-C or a TERM to the CLI: the container is killed (and removed with --rm), never left running.
        // Served by the resident engine, the handler only kills: this thread, waiting on the monitor, then removes it.
        boolean served = Interrupts.served();
        try (Interrupts.Handle interrupted = Interrupts.onInterrupt(served ? () -> kill(c) : () -> stop(c))) {
            c.start();
            int code = c.waitFor();
            if (interrupted.fired() && !served) return code; // stopped and removed by the handler
            c.markExited();
            if (remove) c.delete();
            return code;
        }
    }

    private static void kill(Container c) {
        if (c.state().canKill()) c.kill(9);
    }

    private void stop(Container c) {
        try {
            if (c.state().canKill()) c.kill(9);
            if (remove) c.delete();
        } catch (RuntimeException e) {
            System.err.println("isobench: error: cleaning up " + c.id() + ": " + e.getMessage());
        }
    }
}
