package dev.isobench.engine.cli;

import dev.isobench.engine.image.ImageRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code ctr build}: an image from a Dockerfile. */
@Command(name = "build", mixinStandardHelpOptions = true, sortOptions = false, description = {
        "Build an image from a Dockerfile, its RUN steps in real containers.",
        "Instructions: FROM, RUN, COPY, ADD, ENV, WORKDIR, USER, CMD, ENTRYPOINT, EXPOSE, VOLUME, LABEL, MAINTAINER, ARG.",
        "Unchanged steps come from the cache.",
        "Example: isobench ctr build -t app:1 -f Dockerfile ."})
final class BuildCommand implements Callable<Integer> {
    @ParentCommand
    CtrCommand ctr;

    @Option(names = {"-t", "--tag"}, paramLabel = "NAME[:TAG]", required = true, description = "Name for the image.")
    String tag;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "The Dockerfile (default: CONTEXT/Dockerfile).")
    Path file;

    @Option(names = "--no-cache", description = "Run every step again.")
    boolean noCache;

    @Option(names = "--build-arg", paramLabel = "KEY=VALUE", description = "Value for an ARG (repeatable).")
    List<String> buildArgs = new ArrayList<>();

    @Parameters(paramLabel = "CONTEXT", description = "The directory COPY and ADD read from.")
    Path context;

    @Override
    public Integer call() {
        Path dockerfile = file != null ? file : context.resolve("Dockerfile");
        if (!Files.isRegularFile(dockerfile)) throw new IllegalArgumentException("no Dockerfile at " + dockerfile + " (give one with -f)");
        if (!Files.isDirectory(context)) throw new IllegalArgumentException("build context " + context + " is not a directory");
        Map<String, String> args = new LinkedHashMap<>();
        for (String a : buildArgs) {
            if (!a.contains("=")) throw new IllegalArgumentException("--build-arg takes KEY=VALUE, got '" + a + "'");
            args.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        ImageRecord r = ctr.engine().builder().build(dockerfile, context.toAbsolutePath().normalize(), tag, noCache, args, System.err::println);
        System.out.println(r.id());
        return 0;
    }
}
