package dev.isobench.bench.cli;

import dev.isobench.report.History;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code isobench history}: runs of one host over time. */
@Command(name = "history", mixinStandardHelpOptions = true, description = {
        "Chart the runs of one host over time (before and after a kernel update), with each change flagged.",
        "A line chart per headline metric with each run's median and interval, each run that differs from the one before",
        "flagged by compare's test. Prints history.html's path."})
public final class HistoryCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RESULTS_DIR", arity = "2..*")
    List<Path> dirs;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "history", description = "Where to write (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() {
        System.out.println(History.write(dirs, out).toAbsolutePath());
        return 0;
    }
}
