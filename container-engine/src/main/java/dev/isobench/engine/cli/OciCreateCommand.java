package dev.isobench.engine.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "create", description = "Create a container from a bundle; it waits for start.")
final class OciCreateCommand implements Callable<Integer> {
    @ParentCommand OciCommand oci;
    @Mixin OciBundleOptions bundle;
    @Parameters(paramLabel = "ID") String id;

    @Override
    public Integer call() {
        bundle.create(oci.runtime(), id);
        return 0;
    }
}
