package dev.isobench.engine.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "kill", description = "Send a signal (default SIGTERM) to the container's first process, or with --all to every one.")
final class OciKillCommand implements Callable<Integer> {
    @ParentCommand OciCommand oci;
    @Option(names = {"--all", "-a"}) boolean all;
    @Parameters(index = "0", paramLabel = "ID") String id;
    @Parameters(index = "1", paramLabel = "SIGNAL", defaultValue = "SIGTERM") String signal;

    @Override
    public Integer call() {
        oci.runtime().kill(id, Signals.parse(signal), all);
        return 0;
    }
}
