package dev.isobench.bench.cli;

import dev.isobench.report.Compare;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code isobench compare}: several runs side by side. */
@Command(name = "compare", mixinStandardHelpOptions = true, description = {
        "Compare results directories (hosts, engines, kernels) side by side, with ratios, intervals and verdicts.",
        "Each value, its ratio to the baseline with an interval, and whether the difference is significant. Writes",
        "compare.csv, compare.html and charts; prints the HTML's path."})
public final class CompareCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RESULTS_DIR", arity = "2..*")
    List<Path> dirs;

    @Option(names = "--baseline", paramLabel = "DIR", description = "The run the others are divided by (default: the first).")
    Path baseline;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "comparison", description = "Where to write (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() {
        int base = 0;
        if (baseline != null) {
            base = dirs.stream().map(p -> p.toAbsolutePath().normalize()).toList().indexOf(baseline.toAbsolutePath().normalize());
            if (base < 0) throw new IllegalArgumentException("--baseline " + baseline + " is not one of the compared directories");
        }
        System.out.println(Compare.write(dirs, base, out).toAbsolutePath());
        return 0;
    }
}
