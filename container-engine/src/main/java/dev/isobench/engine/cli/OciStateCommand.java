package dev.isobench.engine.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "state", description = "Print the container's state as the runtime spec's JSON.")
final class OciStateCommand implements Callable<Integer> {
    @ParentCommand OciCommand oci;
    @Parameters(paramLabel = "ID") String id;

    @Override
    public Integer call() {
        System.out.println(OciRuntimeJson.pretty(oci.runtime().state(id)));
        return 0;
    }
}
