package dev.isobench.engine.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.isobench.engine.runtime.Container;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/** {@code ctr inspect}: containers as JSON, as docker inspect. */
@Command(mixinStandardHelpOptions = true, name = "inspect", description = {
        "Print containers as a JSON array, in docker inspect's field names.",
        "Id, name, image, state, pid, exit code, OOM kill, times, network address and ports, mounts, limits and cgroup."})
final class InspectCommand implements Callable<Integer> {
    @ParentCommand
    CtrCommand ctr;

    @Option(names = {"-f", "--format"}, paramLabel = "json", defaultValue = "json", description = "Output format: json, the only one (default).")
    String format;

    @Parameters(paramLabel = "CONTAINER", arity = "1..*")
    List<String> refs;

    @Override
    public Integer call() {
        if (!format.equals("json")) throw new IllegalArgumentException("--format takes json only (Go templates are not supported), got '" + format + "'");
        List<Container> containers = refs.stream().map(r -> ctr.engine().get(r)).toList();
        ArrayNode all = JsonNodeFactory.instance.arrayNode();
        containers.forEach(c -> all.add(Inspection.of(ctr.engine(), c)));
        System.out.println(Inspection.json(all));
        return 0;
    }
}
