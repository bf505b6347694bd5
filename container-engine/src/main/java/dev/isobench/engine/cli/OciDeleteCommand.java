package dev.isobench.engine.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "delete", description = "Delete a stopped container (--force: kill it first).")
final class OciDeleteCommand implements Callable<Integer> {
    @ParentCommand OciCommand oci;
    @Option(names = {"--force", "-f"}) boolean force;
    @Parameters(paramLabel = "ID") String id;

    @Override
    public Integer call() {
        oci.runtime().delete(id, force);
        return 0;
    }
}
