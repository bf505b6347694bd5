package dev.isobench.engine.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "ps", description = "The container's processes: host pids as JSON, or ps(1) lines of them.")
final class OciPsCommand implements Callable<Integer> {
    @ParentCommand OciCommand oci;
    @Option(names = {"--format", "-f"}, paramLabel = "table|json") String format = "table";
    @Parameters(index = "0", paramLabel = "ID") String id;
    @Parameters(index = "1..*", paramLabel = "PS-ARGS") List<String> psArgs = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<Integer> pids = oci.runtime().pids(id);
        if (format.equals("json")) {
            System.out.println(OciRuntimeJson.compact(pids));
            return 0;
        }
        HostPs.print(pids, psArgs);
        return 0;
    }
}
