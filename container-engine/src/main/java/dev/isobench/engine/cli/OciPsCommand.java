package dev.isobench.engine.cli;

import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
        List<String> cmd = new ArrayList<>(List.of("ps"));
        cmd.addAll(psArgs.isEmpty() ? List.of("-ef") : psArgs);
        Process ps = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> lines = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        if (ps.waitFor() != 0 || lines.isEmpty()) throw new EngineException("ps " + String.join(" ", cmd.subList(1, cmd.size())) + " failed");
        int column = List.of(lines.get(0).trim().split("\\s+")).indexOf("PID");
        if (column < 0) throw new EngineException("ps output has no PID column");
        System.out.println(lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length > column && pids.contains(Integer.parseInt(f[column]))) System.out.println(line);
        }
        return 0;
    }
}
