package dev.isobench.bench.cli;

import dev.isobench.report.HtmlReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code isobench report}: charts and report.html for a results directory. */
@Command(name = "report", mixinStandardHelpOptions = true, description = {
        "Render charts (PNG and SVG) and a self-contained report.html into a results directory; prints its path."})
public final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RESULTS_DIR")
    Path dir;

    @Override
    public Integer call() {
        System.out.println(render(dir).toAbsolutePath());
        return 0;
    }

    static Path render(Path dir) {
        return HtmlReport.render(dir);
    }
}
