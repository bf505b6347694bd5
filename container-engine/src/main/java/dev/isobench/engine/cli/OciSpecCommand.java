package dev.isobench.engine.cli;

import dev.isobench.engine.oci.RuntimeFeatures;
import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "spec", description = "Write an example config.json into the bundle directory.")
final class OciSpecCommand implements Callable<Integer> {
    @Option(names = {"--bundle", "-b"}, paramLabel = "DIR", defaultValue = ".") Path bundle;
    @Option(names = "--rootless") boolean rootless;

    @Override
    public Integer call() throws IOException {
        if (rootless) throw new EngineException("--rootless is not supported: the isobench engine needs root");
        Path file = bundle.resolve("config.json");
        if (Files.exists(file)) throw new EngineException("File " + file + " exists. Remove it first");
        Files.writeString(file, RuntimeFeatures.exampleConfig());
        return 0;
    }
}
