package dev.isobench.engine.cli;

import dev.isobench.engine.oci.OciRuntime;
import dev.isobench.engine.sys.EngineException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** What create and run take: the bundle and how the container is set up from it. */
final class OciBundleOptions {
    @Option(names = {"--bundle", "-b"}, paramLabel = "DIR", defaultValue = ".", description = "The bundle (default: the current directory).") Path bundle;
    @Option(names = "--pid-file", paramLabel = "FILE") Path pidFile;
    @Option(names = "--console-socket", paramLabel = "SOCKET") String consoleSocket;
    @Option(names = "--no-pivot", description = "chroot into the root instead of pivot_root.") boolean noPivot;
    @Option(names = "--no-new-keyring", description = "Accepted: the engine never makes a session keyring.") boolean noNewKeyring;
    @Option(names = "--preserve-fds", paramLabel = "N") int preserveFds;

    void create(OciRuntime runtime, String id) {
        if (preserveFds != 0) throw new EngineException("--preserve-fds is not supported by the isobench engine (its stage closes every fd above 2)");
        runtime.create(id, bundle, Optional.ofNullable(pidFile), Optional.ofNullable(consoleSocket), noPivot);
    }
}
