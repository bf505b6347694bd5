package dev.isobench.bench.cli;

import dev.isobench.bench.suite.ExplainResults;
import dev.isobench.bench.suite.Progress;
import dev.isobench.engine.Engine;
import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.Native;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code isobench explain}: where each target's time goes, for a results directory measured without --explain. */
@Command(name = "explain", mixinStandardHelpOptions = true, description = {
        "Say where each target's time goes in a results directory's report, from perf profiles taken on this host now.",
        "The startup and syscall headlines are run once more, untimed, on each target the directory's rows name and this host",
        "has, sized by the directory's timed medians, as run --explain does after its timed turns. Needs root."})
public final class ExplainCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RESULTS_DIR")
    Path dir;

    @Option(names = "--root", paramLabel = "DIR", description = "Engine state and images (default: $ISOBENCH_ROOT or /var/lib/isobench).")
    Path root;

    @Override
    public Integer call() {
        if (!Native.isRoot()) throw new EngineException("isobench explain needs root: it creates containers and reads kernel stacks (run it with sudo)");
        if (!Files.isRegularFile(dir.resolve("manifest.json"))) {
            throw new IllegalArgumentException(dir + " is not a results directory (no manifest.json): give one that isobench run wrote");
        }
        ExplainResults.explain(Engine.open(Engine.rootFor(root)), dir, Progress.forConsole());
        System.out.println("report: " + ReportCommand.render(dir).toAbsolutePath());
        return 0;
    }
}
