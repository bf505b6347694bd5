package dev.isobench.engine.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "start", description = "Start a created container.")
final class OciStartCommand implements Callable<Integer> {
    @ParentCommand OciCommand oci;
    @Parameters(paramLabel = "ID") String id;

    @Override
    public Integer call() {
        oci.runtime().start(id);
        return 0;
    }
}
