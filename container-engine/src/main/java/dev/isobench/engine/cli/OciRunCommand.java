package dev.isobench.engine.cli;

import dev.isobench.engine.oci.OciRuntime;
import dev.isobench.engine.sys.Native;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "run", description = "Create and start a container, and wait for it unless --detach.")
final class OciRunCommand implements Callable<Integer> {
    @ParentCommand OciCommand oci;
    @Mixin OciBundleOptions bundle;
    @Option(names = {"--detach", "-d"}) boolean detach;
    @Option(names = "--keep", description = "Do not delete the container after it exits.") boolean keep;
    @Parameters(paramLabel = "ID") String id;

    @Override
    public Integer call() {
        OciRuntime r = oci.runtime();
        if (!detach) Native.becomeSubreaper(); // the container is handed to this process, which then hears its code
        bundle.create(r, id);
        try {
            r.start(id);
        } catch (RuntimeException e) {
            r.delete(id, true);
            throw e;
        }
        if (detach) return 0;
        int code = Native.exitCode(Native.waitpid(r.state(id).pid()));
        if (!keep) r.delete(id, true);
        return code;
    }
}
